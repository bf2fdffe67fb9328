"""``asml pack iomod``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from asml.cli.build import size
from asml.iomods.pack import pack


@click.group("pack")
def pack_group() -> None:
    """Package things to share: IOmods.

    \b
    Example:
      asml pack iomod iomods/greeter --out dist
    """


@pack_group.command("iomod")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="the current directory",
    help="Where the package goes.",
)
def pack_iomod(folder: Path, out: Path) -> None:
    """Package the IOmod in FOLDER as COORDINATES-VERSION.iomod.zip.

    FOLDER holds iomod.toml ([iomod] coordinates, version, command) and the IOmod's files.
    Its calls and the IAM actions they need come from `COMMAND --describe` (IOmods written
    with asml_iomods answer it) or from [calls.NAME] tables in iomod.toml.

    \b
    Example:
      asml pack iomod iomods/greeter --out dist
    """
    source, result = pack(folder, out)
    manifest = source.manifest
    table = Table(box=None, pad_edge=False, title=f"{manifest.coordinates} {manifest.version}")
    table.add_column("call")
    table.add_column("IAM actions")
    for name, call in sorted(manifest.calls.items()):
        table.add_row(name, ", ".join(call.actions) or "none")
    Console(width=160).print(table)
    # Read back from the package itself: exactly what a service that uses it gets.
    with zipfile.ZipFile(result.path) as archive:
        entries = [(i.filename, i.file_size) for i in archive.infolist() if not i.is_dir()]
    click.echo(f"files ({len(entries)}):")
    width = max(len(name) for name, _ in entries)
    for name, file_size in entries:
        click.echo(f"  {name:<{width}}  {size(file_size)}")
    click.echo(
        f"wrote {result.path} ({size(result.size)}, {result.files} files,"
        f" sha256 {result.base64_sha256})"
    )
