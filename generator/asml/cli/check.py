"""``asml check``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from asml.build.pipeline import CACHE_DIR
from asml.cli.context import project_root
from asml.cli.output import plural, print_problems
from asml.errors import ManifestError
from asml.manifest import Project, load_project
from asml.manifest.problems import Problem, Severity, format_key_path
from asml.package.layer_check import AWS_REFUSES, check_recorded
from asml.package.project import PACKAGE_DIR


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for CI.")
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Validate the whole project and print every problem at once.

    Each problem names the file, the key and how to fix it. Exits 0 when the
    project is valid (warnings allowed) and 1 when it has errors.

    \b
    Example:
      asml check
      asml check --json | jq '.problems[].message'
    """
    root = project_root(ctx)
    try:
        project = load_project(root)
    except ManifestError as error:
        if as_json:
            click.echo(_as_json(False, error.problems))
            ctx.exit(error.exit_code)
        raise
    warnings = [*project.warnings, *_layer_warnings(project)]
    if as_json:
        click.echo(_as_json(True, warnings))
        return
    print_problems(warnings)
    services = plural(len(project.services), "service")
    functions = plural(project.function_count(), "function")
    found = plural(len(warnings), "warning") if warnings else "no problems"
    click.echo(f'Project "{project.name}": {services}, {functions}; {found}.')


def _layer_warnings(project: Project) -> list[Problem]:
    """The last packaged layers that would not load on their Lambda runtime (glibc)."""
    package_dir = project.root / PACKAGE_DIR
    return [
        Problem(
            f"{PACKAGE_DIR.as_posix()}/{layer.layer}",
            (),
            f"{layer.detail()}; {AWS_REFUSES}",
            Severity.WARNING,
        )
        for layer in check_recorded(package_dir, project.root / CACHE_DIR)
    ]


def _as_json(valid: bool, problems: Sequence[Problem]) -> str:
    entries = [
        {
            "file": p.file,
            "key": format_key_path(p.key),
            "message": p.message,
            "severity": p.severity.value,
        }
        for p in problems
    ]
    return json.dumps({"valid": valid, "problems": entries}, indent=2)
