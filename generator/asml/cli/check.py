"""``asml check``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from asml.build.guests.rust import cargo_problems
from asml.build.pipeline import BUILD_DIR, CACHE_DIR, select
from asml.cli.context import project_root
from asml.cli.output import plural, print_problems
from asml.errors import AsmlError, ManifestError
from asml.iomods.permissions import Grant, describe, grant_of
from asml.iomods.reach import reach_problems
from asml.iomods.service import DependencyProblem, call_problems, resolve_one
from asml.manifest import Project, load_project
from asml.manifest.problems import Problem, Severity, format_key_path
from asml.manifest.project import service_manifest_path
from asml.package.layer_check import AWS_REFUSES, check_recorded
from asml.package.project import PACKAGE_DIR
from asml_iomods.manifest import IomodManifest
from asml_runtime.artifact import WASM_FILE


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
    grants, refused, manifests = _iomod_grants(project)
    crates = _crate_problems(project)
    warnings = [*project.warnings, *_layer_warnings(project), *_reach_warnings(project, manifests)]
    if refused or crates:
        problems = [*refused, *crates, *warnings]
        if as_json:
            click.echo(_as_json(False, problems, grants))
            ctx.exit(1)
        print_problems(problems)
        where = [
            w for w, found in (("IOmod dependencies", refused), ("Rust crates", crates)) if found
        ]
        count = plural(len(refused) + len(crates), "error")
        raise AsmlError(f"{count} in {' and '.join(where)}") from None
    if as_json:
        click.echo(_as_json(True, warnings, grants))
        return
    print_problems(warnings)
    if grants:
        click.echo("IOmods, and what each function that uses them may do in AWS:")
        for service, grant in grants:
            click.echo(f"  {service}.{grant.name} ({grant.coordinates} {grant.version}):"
                       f" {describe(grant)}")  # fmt: skip
    narrowed = _narrowed(project, manifests)
    if narrowed:
        click.echo("Functions that name only some calls of an IOmod, and the actions they get:")
        for line in narrowed:
            click.echo(f"  {line}")
    services = plural(len(project.services), "service")
    functions = plural(project.function_count(), "function")
    counts = [
        plural(len(found), severity.value)
        for severity in (Severity.WARNING, Severity.NOTE)
        if (found := [w for w in warnings if w.severity is severity])
    ]
    summary = ", ".join(counts) if counts else "no problems"
    click.echo(f'Project "{project.name}": {services}, {functions}; {summary}.')


def _narrowed(project: Project, manifests: Manifests) -> list[str]:
    """``todos.get: table.get_item -> dynamodb:GetItem``, per function and narrowed IOmod."""
    lines = []
    for service in project.services:
        for name, function in sorted(service.manifest.functions.items()):
            for iomod in function.iomod_names:
                calls, manifest = function.calls_of(iomod), manifests.get(service.name, {})
                if calls is None or iomod not in manifest:
                    continue
                actions = sorted({a for c in calls if c in manifest[iomod].calls
                                  for a in manifest[iomod].calls[c].actions})  # fmt: skip
                named = ", ".join(f"{iomod}.{c}" for c in sorted(calls))
                lines.append(f"{service.name}.{name}: {named} -> {', '.join(actions) or 'none'}")
    return lines


Manifests = dict[str, dict[str, IomodManifest]]  # service -> dependency name -> its manifest


def _iomod_grants(project: Project) -> tuple[list[tuple[str, Grant]], list[Problem], Manifests]:
    """What each IOmod dependency asks of IAM (read from its package), the dependencies that
    cannot be used (not found, not what the service asked for, or wide without consent), and
    the manifests of those that can."""
    grants: list[tuple[str, Grant]] = []
    refused: list[Problem] = []
    manifests: Manifests = {}
    for service in project.services:
        file = service_manifest_path(project.root, service.name).relative_to(project.root)
        for name, dependency in sorted(service.manifest.iomods.items()):
            try:
                source = resolve_one(service, dependency, project.root / CACHE_DIR)
            except DependencyProblem as problem:
                key = service.written_key(("iomods", name, *([problem.key] if problem.key else [])))
                refused.append(Problem(file.as_posix(), key, str(problem)))
                continue
            grants.append((service.name, grant_of(name, dependency, source.manifest)))
            manifests.setdefault(service.name, {})[name] = source.manifest
        refused += call_problems(service, manifests.get(service.name, {}))
    return grants, refused, manifests


def _crate_problems(project: Project) -> list[Problem]:
    """What the Cargo.toml of each Rust function asks for that asml cannot build (offline,
    with rustc alone), so `asml build` does not find it out later."""
    found = [
        problem
        for work in select(project)
        if work.guest.language == "rust" and work.guest.source.is_dir()
        for problem in cargo_problems(work.guest)
    ]
    return list(dict.fromkeys(found))  # a crate two functions share: its problems once


def _reach_warnings(project: Project, manifests: Manifests) -> list[Problem]:
    """IOmod calls that the last build of each function names but may not make."""
    found = []
    for service in project.services:
        for name in sorted(service.manifest.functions):
            module = project.root / BUILD_DIR / service.name / name / WASM_FILE
            if module.is_file():
                own = manifests.get(service.name, {})
                found += reach_problems(service, name, module.read_bytes(), own)
    return found


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
