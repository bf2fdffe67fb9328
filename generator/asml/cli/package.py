"""``asml package``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from asml.build.pipeline import CACHE_DIR
from asml.cli.build import functions_argument, jobs_option, run_build, size
from asml.cli.output import LayerLines
from asml.package.project import PACKAGE_DIR, package


@click.command("package")
@functions_argument
@jobs_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the zips go. Default: .asml/package in the project.",
)
@click.pass_context
def package_command(
    ctx: click.Context, functions: tuple[str, ...], jobs: int | None, out: Path | None
) -> None:
    """Build, then zip each function and the runtime layers they need.

    A function's zip holds only its artifact and the record the runtime checks it against.
    A runtime layer holds asml's runtime and the engine, installed from wheels for the
    Lambda runtime and CPU (for wasmer the custom runtime provided.al2023, with an
    interpreter layer holding CPython 3.10; python3.12 for wasmtime). Zips are
    deterministic: the same inputs give the same bytes on any machine.

    \b
    Example:
      asml package
      asml package api --out dist
    """
    project, results = run_build(ctx, functions, jobs, as_progress=True)
    target = out if out is not None else project.root / PACKAGE_DIR
    packaged = package(project, results, target, project.root / CACHE_DIR, LayerLines())
    table = Table(box=None, pad_edge=False)
    for column in ("zip", "size", "unpacked", "sha256 (base64)"):
        table.add_column(column)
    for function in packaged.functions:
        table.add_row(
            function.zip.path.relative_to(target).as_posix(),
            size(function.zip.size),
            size(function.zip.unpacked),
            function.zip.base64_sha256,
        )
    every_layer = [
        *packaged.interpreter_layers.values(),
        *packaged.layers.values(),
        *packaged.iomod_layers.values(),
    ]
    for layer in every_layer:
        table.add_row(
            layer.path.relative_to(target).as_posix(),
            size(layer.size),
            size(layer.unpacked),
            layer.base64_sha256,
        )
    Console(width=160).print(table)
    zips, layers = len(packaged.functions), len(every_layer)
    click.echo(
        f"wrote {zips} function zip{'s' * (zips != 1)} and {layers} layer{'s' * (layers != 1)}"
        f" to {target}"
    )
