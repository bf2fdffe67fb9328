"""``asml plan``, ``asml apply``, ``asml deploy``, ``asml destroy``, ``asml outputs`` and
``asml tf``."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from asml.cli.context import project_root
from asml.cli.output import print_problems
from asml.errors import AsmlError
from asml.manifest import Project, load_project
from asml.terraform.code_only import CodeChange
from asml.terraform.deploy import Deployment
from asml.terraform.stage import (
    StageContext,
    applied_stages,
    flags_of,
    has_local_state,
    stage_context,
)

F = Callable[..., Any]


def stage_options(command: F) -> F:
    command = click.option(
        "--target",
        type=click.Choice(["aws", "local"]),
        help="Deploy to AWS, or to the local AWS at [local] endpoint (e.g. moto)."
        " Default: the stage's target, else aws.",
    )(command)
    return click.option(
        "-s", "--stage", help="A stage from [stages.NAME] in assemblylift.toml. Default: none."
    )(command)


def _deployment(ctx: click.Context, stage: str | None, target: str | None) -> Deployment:
    project = load_project(project_root(ctx))
    print_problems(project.warnings, notes=False)
    return Deployment(project, stage_context(project, stage, target), say=_say)


def _applied_deployment(
    ctx: click.Context, stage: str | None, target: str | None, *, none_is_fine: bool = False
) -> Deployment:
    """The stage and target the flags name; with neither flag, the one stage that was applied
    when the default one was not (a local apply, a named stage), else what flag is missing
    (or, ``none_is_fine``, the default stage when none was applied)."""
    project = load_project(project_root(ctx))
    print_problems(project.warnings, notes=False)
    context = stage_context(project, stage, target)
    if stage is None and target is None and context.backend == "local":
        context = _the_applied_one(project, context, none_is_fine)
    return Deployment(project, context, say=_say)


def _the_applied_one(project: Project, default: StageContext, none_is_fine: bool) -> StageContext:
    if has_local_state(default):
        return default
    applied = applied_stages(project)
    if len(applied) == 1:
        _say(f"Using stage {applied[0].label}, the one applied (flags:{flags_of(applied[0])}).")
        return applied[0]
    if not applied and none_is_fine:
        return default
    if not applied:
        raise AsmlError(
            f"stage {default.label} has not been applied, nor has any other: run `asml plan`"
            " and `asml apply` (with --stage NAME or --target local for another stage) first"
        )
    listed = ", ".join(f"{c.label} (`{flags_of(c).strip()}`)" for c in applied)
    raise AsmlError(
        f"stage {default.label} has not been applied; these have: {listed}. Name one with"
        " --stage and --target"
    )


def _say(text: str) -> None:
    click.echo(text, err=True)


_VERBS = {"create": "created", "update": "updated", "delete": "destroyed", "replace": "replaced"}


def _progress(message: dict[str, Any]) -> None:
    """Terraform's messages during an apply: one line per resource done, on stderr (the
    result, the endpoints, goes to stdout), then the tally."""
    kind = message.get("type")
    if kind == "apply_complete":
        hook = message["hook"]
        verb = _VERBS.get(hook.get("action", ""), hook.get("action", "done"))
        seconds = hook.get("elapsed_seconds", 0)
        _say(f"  {verb:<9} {hook['resource']['addr']} ({seconds}s)")
    elif kind == "apply_errored":
        _say(f"  failed    {message['hook']['resource']['addr']}")
    elif kind == "change_summary":
        counts = message.get("changes", {})
        click.echo(
            f"Done: {counts.get('add', 0)} added, {counts.get('change', 0)} changed,"
            f" {counts.get('remove', 0)} destroyed."
        )


def _print_outputs(outputs: dict[str, Any]) -> None:
    endpoints = outputs.get("endpoints") or {}
    functions = outputs.get("functions") or {}
    if endpoints:
        click.echo("Endpoints:")
        for service, url in sorted(endpoints.items()):
            click.echo(f"  {service}  {url}")
    if functions:
        click.echo("Functions:")
        for reference, function in sorted(functions.items()):
            click.echo(f"  {reference}  {function['name']}")


@click.command()
@stage_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (for CI).")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when nothing would change, 2 when something would, 1 on an error.",
)
@click.pass_context
def plan(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    as_json: bool,
    detailed_exitcode: bool,
) -> None:
    """Build, write net/, and show what `asml apply` would change.

    The plan is saved (in .asml/terraform/) and `asml apply` applies exactly it. The summary
    groups resources by service and function and names the functions whose code changed.

    \b
    Example:
      asml plan
      asml plan --stage prod --json --detailed-exitcode
    """
    deployment = _deployment(ctx, stage, target)
    _say(f"Planning stage {deployment.context.label} in {deployment.context.region} ...")
    summary = deployment.plan()
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
    else:
        for line in summary.lines():
            click.echo(line)
        if summary.has_changes:
            flags = deployment.flags()
            click.echo(f"Saved. Apply exactly this plan with `asml apply{flags}`.")
    if detailed_exitcode and summary.has_changes:
        ctx.exit(2)


@click.command()
@stage_options
@click.pass_context
def apply(ctx: click.Context, stage: str | None, target: str | None) -> None:
    """Apply the plan `asml plan` saved, and print the endpoints.

    Refuses when the project changed since the plan: plan again and review it.

    \b
    Example:
      asml plan && asml apply
    """
    deployment = _deployment(ctx, stage, target)
    _say(f"Applying the saved plan to stage {deployment.context.label} ...")
    _apply_and_report(deployment)


def _apply_and_report(deployment: Deployment) -> None:
    outputs = deployment.apply(_progress)
    _print_outputs(outputs)
    if deployment.context.target == "local" and outputs.get("endpoints"):
        _say(
            "The local AWS records these HTTP APIs but does not run their functions: call them"
            " through `asml serve --target local` (the same routes at http://127.0.0.1:8080, with"
            " IOmods on the local AWS)."
        )


def _ask(question: str, yes: bool) -> None:
    """Go on when the user says so (or gave --yes); never wait on input that is not a terminal."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise AsmlError("asml deploy asks before it changes anything: pass --yes to go on (CI)")
    click.confirm(question, abort=True, err=True)


@click.command()
@stage_options
@click.option("-y", "--yes", is_flag=True, help="Apply without asking.")
@click.option(
    "--code-only",
    is_flag=True,
    help="Only upload the code of functions whose code alone changed since the last full"
    " apply, without Terraform's plan and apply: seconds, not minutes.",
)
@click.pass_context
def deploy(
    ctx: click.Context, stage: str | None, target: str | None, yes: bool, code_only: bool
) -> None:
    """Plan, show what changes, ask, and apply: one step for the common case.

    With --code-only, the functions whose code alone changed get their new code straight
    from Lambda's API, and the Terraform state records it, so the next plan shows no
    changes. It refuses (and says to deploy in full) when anything else changed.

    \b
    Example:
      asml deploy
      asml deploy --stage prod --yes
      asml deploy --code-only
    """
    deployment = _deployment(ctx, stage, target)
    label = deployment.context.label
    if code_only:
        _say(f"Updating code on stage {label} in {deployment.context.region} ...")
        started = time.monotonic()

        def confirm(changes: list[CodeChange]) -> None:
            names = ", ".join(change.reference for change in changes)
            click.echo(f"New code for: {names}")
            _ask(f"Update their code on stage {label}?", yes)

        updated = deployment.deploy_code(confirm)
        if not updated:
            click.echo("No code changes: every function runs the code in net/.")
        else:
            click.echo(f"Done: {len(updated)} function(s) updated in"
                       f" {time.monotonic() - started:.1f}s.")  # fmt: skip
        return
    _say(f"Planning stage {label} in {deployment.context.region} ...")
    summary = deployment.plan()
    for line in summary.lines():
        click.echo(line)
    if not summary.has_changes:
        return
    _ask(f"Apply this plan to stage {label}?", yes)
    _say(f"Applying to stage {label} ...")
    _apply_and_report(deployment)


@click.command()
@stage_options
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def destroy(ctx: click.Context, stage: str | None, target: str | None, yes: bool) -> None:
    """Remove everything the stage deployed.

    \b
    Example:
      asml destroy --stage dev --yes
    """
    deployment = _deployment(ctx, stage, target)
    label = deployment.context.label
    if not yes:
        click.confirm(f"Destroy every resource of stage {label}?", abort=True, err=True)
    _say(f"Destroying stage {label} ...")
    deployment.destroy(_progress)


@click.command()
@stage_options
@click.option("--json", "as_json", is_flag=True, help="Print every output as JSON.")
@click.pass_context
def outputs(ctx: click.Context, stage: str | None, target: str | None, as_json: bool) -> None:
    """Show the endpoints and functions of a deployed stage.

    \b
    Example:
      asml outputs --json
    """
    deployment = _applied_deployment(ctx, stage, target)
    values = deployment.outputs()
    if not values:
        other = "" if deployment.context.target == "local" else " (or --target local?)"
        raise AsmlError(
            f"stage {deployment.context.label} has no outputs: it was not applied{other}; run"
            f" `asml deploy{deployment.flags()}`"
        )
    if as_json:
        click.echo(json.dumps(values, indent=2, sort_keys=True))
    else:
        _print_outputs(values)


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@stage_options
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def tf(ctx: click.Context, stage: str | None, target: str | None, args: tuple[str, ...]) -> None:
    """Run Terraform by hand on a stage: ARGS go to `terraform` as they are.

    Terraform runs in net/ with the stage's data directory and state (and, for
    --target local, the local AWS and its test credentials), after a `terraform init` when
    one is needed. A named stage's variables reach plan, destroy, refresh, import and console.
    With neither flag, the stage that was applied. The exit code is Terraform's.

    \b
    Example:
      asml tf -- show
      asml tf --stage prod -- state list
      asml tf --target local -- output -json
    """
    deployment = _applied_deployment(ctx, stage, target, none_is_fine=True)
    _say(f"terraform {' '.join(args)} (stage {deployment.context.label})")
    ctx.exit(deployment.terraform_by_hand(args))
