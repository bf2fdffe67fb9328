"""The user-facing error types. Only :mod:`asml.cli` turns them into exit codes.

Anything raised that is not an :class:`AsmlError` is a bug in asml and is reported as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asml.manifest.problems import Problem


class AsmlError(Exception):
    """A problem the user can fix: bad input, a missing tool, a file in the way.

    The message must say what is wrong and how to fix it; it is printed without a traceback.
    """

    exit_code = 1


class ManifestError(AsmlError):
    """One or more problems in the project's manifests, all reported at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        from asml.manifest.problems import Severity

        self.problems = tuple(problems)
        count = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} {noun} in the project manifests")


class ProjectNotFoundError(AsmlError):
    """No ``assemblylift.toml`` in the given directory or any parent."""


class ScaffoldError(AsmlError):
    """``asml init`` / ``asml make`` cannot do what was asked without harming existing files."""


class ToolchainError(AsmlError):
    """A compiler, engine or other tool asml needs is missing or broken."""
