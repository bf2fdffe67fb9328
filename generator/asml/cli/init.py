"""``asml init``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from asml.cli.output import relative_paths
from asml.manifest import vocabulary as v
from asml.scaffold.languages import SCAFFOLD_LANGUAGES
from asml.scaffold.project import InitOptions, init_project


@click.command()
@click.argument("name", type=click.Path(path_type=Path))
@click.option(
    "-l",
    "--lang",
    "language",
    type=click.Choice(SCAFFOLD_LANGUAGES),
    default="c",
    show_default=True,
    help="Language of the hello function.",
)
@click.option("--service", default="api", show_default=True, help="Name of the first service.")
@click.option("--function", default="hello", show_default=True, help="Name of the first function.")
@click.option("--region", default=v.DEFAULT_REGION, show_default=True, help="AWS region.")
@click.option(
    "--engine",
    type=click.Choice(v.ENGINES),
    default=v.DEFAULT_ENGINE,
    show_default=True,
    help="Default WebAssembly engine of the project's functions.",
)
def init(name: Path, language: str, service: str, function: str, region: str, engine: str) -> None:
    """Create a new project NAME with one service and a hello function.

    NAME is the directory to create; its last part is the project's name.

    \b
    Example:
      asml init todo --lang rust
      cd todo && asml check
    """
    options = InitOptions(language, service, function, region, engine)
    root = init_project(name, options)
    files = sorted(Path(folder, file) for folder, _, names in os.walk(root) for file in names)
    click.echo(f'Created project "{root.name}" in {name}:')
    for shown in relative_paths(files, root):
        click.echo(f"  {shown}")
    click.echo(f"Next: cd {name} && asml check")
