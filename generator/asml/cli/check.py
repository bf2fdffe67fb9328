"""``asml check``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from asml.build.pipeline import CACHE_DIR
from asml.cli.context import project_root
from asml.cli.output import plural, print_problems
from asml.errors import AsmlError, ManifestError
from asml.iomods.permissions import Grant, describe, grant_of
from asml.iomods.service import DependencyProblem, resolve_one
from asml.manifest import Project, load_project
from asml.manifest.problems import Problem, Severity, format_key_path
from asml.manifest.project import service_manifest_path
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
    grants, refused = _iomod_grants(project)
    warnings = [*project.warnings, *_layer_warnings(project)]
    if refused:
        problems = [*refused, *warnings]
        if as_json:
            click.echo(_as_json(False, problems, grants))
            ctx.exit(1)
        print_problems(problems)
        raise AsmlError(f"{plural(len(refused), 'error')} in IOmod dependencies") from None
    if as_json:
        click.echo(_as_json(True, warnings, grants))
        return
    print_problems(warnings)
    if grants:
        click.echo("IOmods, and what each function that uses them may do in AWS:")
        for service, grant in grants:
            click.echo(f"  {service}.{grant.name} ({grant.coordinates} {grant.version}):"
                       f" {describe(grant)}")  # fmt: skip
    services = plural(len(project.services), "service")
    functions = plural(project.function_count(), "function")
    found = plural(len(warnings), "warning") if warnings else "no problems"
    click.echo(f'Project "{project.name}": {services}, {functions}; {found}.')


def _iomod_grants(project: Project) -> tuple[list[tuple[str, Grant]], list[Problem]]:
    """What each IOmod dependency asks of IAM (read from its package), and the dependencies
    that cannot be used: not found, not what the service asked for, or wide without consent."""
    grants: list[tuple[str, Grant]] = []
    refused: list[Problem] = []
    for service in project.services:
        file = service_manifest_path(project.root, service.name).relative_to(project.root)
        for name, dependency in sorted(service.manifest.iomods.items()):
            try:
                source = resolve_one(service, dependency, project.root / CACHE_DIR)
            except DependencyProblem as problem:
                key = ("iomods", name, *([problem.key] if problem.key else []))
                refused.append(Problem(file.as_posix(), key, str(problem)))
                continue
            grants.append((service.name, grant_of(name, dependency, source.manifest)))
    return grants, refused


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


def _as_json(
    valid: bool, problems: Sequence[Problem], grants: Sequence[tuple[str, Grant]] = ()
) -> str:
    iomods = [
        {
            "service": service,
            "name": grant.name,
            "coordinates": grant.coordinates,
            "version": grant.version,
            "actions": list(grant.actions),
            "resources": list(grant.resources) if grant.actions else [],
            "wide": list(grant.wide),
            "allow_wildcard": grant.consent,
        }
        for service, grant in grants
    ]
    entries = [
        {
            "file": p.file,
            "key": format_key_path(p.key),
            "message": p.message,
            "severity": p.severity.value,
        }
        for p in problems
    ]
    return json.dumps({"valid": valid, "problems": entries, "iomods": iomods}, indent=2)
