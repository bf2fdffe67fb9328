"""How the CLI prints things: problems, file lists, summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from asml.manifest.problems import Problem, Severity


def print_problems(problems: Sequence[Problem]) -> None:
    """Every problem on its own line on stderr, errors in red and warnings in yellow."""
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def relative_paths(paths: Iterable[Path], base: Path) -> list[str]:
    shown = []
    for path in paths:
        try:
            shown.append(path.resolve().relative_to(base.resolve()).as_posix())
        except ValueError:
            shown.append(str(path))
    return shown
