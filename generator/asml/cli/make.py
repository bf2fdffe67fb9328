"""``asml make service`` / ``asml make function``."""

from __future__ import annotations

import click

from asml.cli.context import project_root
from asml.cli.output import relative_paths
from asml.scaffold.edit import add_function, add_service
from asml.scaffold.languages import SCAFFOLD_LANGUAGES
from asml.scaffold.names import parse_http_route, split_function_ref


@click.group()
def make() -> None:
    """Add a service or a function to the current project.

    \b
    Example:
      asml make service todo
      asml make function todo.create --lang zig --http "POST /todos"
    """


@make.command("service")
@click.argument("name")
@click.pass_context
def make_service(ctx: click.Context, name: str) -> None:
    """Add service NAME: services/NAME/service.toml, listed in assemblylift.toml.

    \b
    Example:
      asml make service todo
    """
    root = project_root(ctx)
    changed = add_service(root, name)
    click.echo(f'Added service "{name}":')
    for shown in relative_paths(changed, root):
        click.echo(f"  {shown}")


@make.command("function")
@click.argument("reference", metavar="SERVICE.FUNCTION")
@click.option(
    "-l",
    "--lang",
    "language",
    type=click.Choice(SCAFFOLD_LANGUAGES),
    required=True,
    help="Language of the new function.",
)
@click.option(
    "--http",
    "route",
    metavar='"VERB /path"',
    help='Expose the function on the service\'s HTTP API, e.g. "GET /todos/{id}".',
)
@click.pass_context
def make_function(ctx: click.Context, reference: str, language: str, route: str | None) -> None:
    """Add function FUNCTION to service SERVICE, with a hello handler to start from.

    \b
    Example:
      asml make function todo.get --lang c --http "GET /todos/{id}"
    """
    service, function = split_function_ref(reference)
    http = parse_http_route(route) if route is not None else None
    root = project_root(ctx)
    changed = add_function(root, service, function, language, http)
    click.echo(f'Added function "{service}.{function}" ({language}):')
    for shown in relative_paths(changed, root):
        click.echo(f"  {shown}")
