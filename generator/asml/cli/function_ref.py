"""``SERVICE.FUNCTION`` as the user typed it, checked against the project, with the nearest
names when it is not one of them (a misspelling, a function named without its service)."""

from __future__ import annotations

import difflib
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from asml.errors import AsmlError
from asml.manifest import Project, find_project_root, load_project


def project_functions(project: Project) -> list[str]:
    return sorted(f"{s.name}.{name}" for s in project.services for name in s.manifest.functions)


def checked_function_ref(project: Project, reference: str) -> tuple[str, str]:
    """(service, function) of a function the project has, or an error that names the ones
    it has, the nearest first."""
    known = project_functions(project)
    if reference in known:
        service, _, function = reference.partition(".")
        return service, function
    if not known:
        raise AsmlError(
            f'the project has no function "{reference}", nor any other yet: add one with'
            " `asml make function SERVICE.NAME --lang LANG`"
        )
    if "." not in reference:
        near = [r for r in known if r.partition(".")[2] == reference]
        problem = f'"{reference}" is not SERVICE.FUNCTION'
    else:
        near = []
        problem = f"the project has no function {reference}"
    # Names are compared without their service (api.helo vs api.bye share only "api."), a
    # function of the same service first.
    service, _, function = reference.rpartition(".")
    names = [r.partition(".")[2] for r in known]
    close = set(difflib.get_close_matches(function, names, n=5, cutoff=0.6))
    ranked = sorted((r for r in known if r.partition(".")[2] in close),
                    key=lambda r: r.partition(".")[0] != service)  # fmt: skip
    near += [r for r in ranked if r not in near]
    hint = f"; did you mean {' or '.join(near[:3])}?" if near else ""
    listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
    raise AsmlError(f"{problem}{hint} (its functions: {listed})")


def _here(ctx: click.Context) -> Project | None:
    given = ctx.find_root().params.get("project")
    try:
        return load_project(Path(given) if given else find_project_root(Path.cwd()))
    except (AsmlError, OSError):
        return None


def complete_function_ref(
    ctx: click.Context, _: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of SERVICE.FUNCTION from the project here (none outside one, or while
    its manifests do not load: completion never prints an error)."""
    project = _here(ctx)
    names = project_functions(project) if project is not None else []
    return [CompletionItem(r) for r in names if r.startswith(incomplete)]


def complete_service(
    ctx: click.Context, _: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    project = _here(ctx)
    names = sorted(s.name for s in project.services) if project is not None else []
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def complete_service_or_function(
    ctx: click.Context, parameter: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return [*complete_service(ctx, parameter, incomplete),
            *complete_function_ref(ctx, parameter, incomplete)]  # fmt: skip
