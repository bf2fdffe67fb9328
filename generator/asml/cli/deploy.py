"""``asml plan``, ``asml apply``, ``asml destroy`` and ``asml outputs``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from asml.cli.context import project_root
from asml.cli.output import print_problems
from asml.manifest import load_project
from asml.terraform.deploy import Deployment
from asml.terraform.stage import stage_context

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
    print_problems(project.warnings)
    return Deployment(project, stage_context(project, stage, target))


def _say(text: str) -> None:
    click.echo(text, err=True)


_VERBS = {"create": "created", "update": "updated", "delete": "destroyed", "replace": "replaced"}


def _progress(message: dict[str, Any]) -> None:
    """Terraform's messages during an apply, one line per resource done."""
    kind = message.get("type")
    if kind == "apply_complete":
        hook = message["hook"]
        verb = _VERBS.get(hook.get("action", ""), hook.get("action", "done"))
        seconds = hook.get("elapsed_seconds", 0)
        click.echo(f"  {verb:<9} {hook['resource']['addr']} ({seconds}s)")
    elif kind == "apply_errored":
        click.echo(f"  failed    {message['hook']['resource']['addr']}")
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
    outputs = deployment.apply(_progress)
    _print_outputs(outputs)


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
    values = _deployment(ctx, stage, target).outputs()
    if as_json:
        click.echo(json.dumps(values, indent=2, sort_keys=True))
    else:
        _print_outputs(values)
