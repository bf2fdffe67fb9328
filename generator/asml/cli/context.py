"""Finding the project a command works on."""

from __future__ import annotations

from pathlib import Path

import click

from asml.errors import ProjectNotFoundError
from asml.manifest import PROJECT_FILE, find_project_root


def project_root(ctx: click.Context) -> Path:
    """``--project`` if given (it must hold the manifest), else search upward from here."""
    given: Path | None = ctx.find_root().obj
    if given is None:
        return find_project_root(Path.cwd())
    if not (given / PROJECT_FILE).is_file():
        raise ProjectNotFoundError(f"--project {given}: no {PROJECT_FILE} there")
    return given.resolve()
