"""How the CLI prints things: problems, file lists, summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from asml.manifest.problems import Problem, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def print_problems(problems: Sequence[Problem], *, notes: bool = True) -> None:
    """Every problem on its own line on stderr, errors in red, warnings in yellow and notes
    in cyan. Without ``notes``, the notes are one line per file that points at `asml check`:
    a build need not repeat, every time, what reading an AssemblyLift file involved."""
    summarised: dict[str, int] = {}
    for problem in problems:
        if problem.severity is Severity.NOTE and not notes:
            summarised[problem.file] = summarised.get(problem.file, 0) + 1
            continue
        click.secho(str(problem), fg=_COLOURS[problem.severity], err=True)
    for file, count in summarised.items():
        click.secho(
            f"note: {file}: {plural(count, 'note')} on how asml reads it (`asml check` shows"
            " them; `asml migrate` rewrites AssemblyLift manifests in asml's format)",
            fg=_COLOURS[Severity.NOTE], err=True,
        )  # fmt: skip


class LayerLines:
    """Packaging progress on stderr: a line as each layer starts and one when it is done
    (a layer that is not cached takes seconds: wheels are installed and thousands of files
    zipped). The command's result stays on stdout."""

    def started(self, layer: str) -> None:
        click.echo(f"Packaging {layer} ...", err=True)

    def finished(self, layer: str, seconds: float) -> None:
        click.echo(f"Packaged {layer} in {seconds:.1f} s", err=True)


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
