"""``asml logs``: a deployed function's log, from CloudWatch Logs (or the local AWS)."""

from __future__ import annotations

import contextlib
import signal
from datetime import datetime, timezone
from types import FrameType

import click

from asml.cli.context import project_root
from asml.cli.function_ref import checked_function_ref, complete_function_ref
from asml.manifest import load_project
from asml.naming import lambda_name


@click.command()
@click.argument("reference", metavar="SERVICE.FUNCTION", shell_complete=complete_function_ref)
@click.option("-s", "--stage", help="The stage whose function to read. Default: the default stage.")
@click.option("--target", type=click.Choice(["aws", "local"]),
              help="local: read the local AWS at [local] endpoint (e.g. moto). Default: the"
              " stage's target.")  # fmt: skip
@click.option(
    "--since",
    default="10m",
    show_default=True,
    help="From how long ago (30s, 10m, 2h, 1d) or from a time (2026-12-08T09:00, UTC).",
)
@click.option(
    "-f", "--follow", is_flag=True, help="Keep printing events as they arrive, until Ctrl-C."
)
@click.option(
    "--filter",
    "text",
    metavar="TEXT",
    help="Only events whose message contains TEXT (as written, not a filter pattern).",
)
@click.pass_context
def logs(ctx: click.Context, reference: str, stage: str | None, target: str | None,
         since: str, follow: bool, text: str | None) -> None:  # fmt: skip
    """Print a deployed function's log: one line per event, with its time and request id.

    Reads the function's CloudWatch log group, /aws/lambda/<function name>, oldest event
    first. Lines go to standard output; which log is read goes to standard error.

    \b
    Example:
      asml logs api.hello
      asml logs api.hello --stage prod --since 1h --filter ERROR
      asml logs api.hello --target local --follow
    """
    from asml.terraform import logs as cloudwatch
    from asml.terraform.local_aws import check_reachable
    from asml.terraform.session import stage_client
    from asml.terraform.stage import stage_context

    project = load_project(project_root(ctx))
    service, function = checked_function_ref(project, reference)
    context = stage_context(project, stage, target)
    start = cloudwatch.since_ms(since, datetime.now(timezone.utc))
    if context.endpoint is not None:
        check_reachable(context.endpoint)
    group = f"/aws/lambda/{lambda_name(project.name, service, function, stage)}"
    client = stage_client(context, "logs")
    click.echo(f"Reading {group} (stage {context.label}, {context.region})", err=True)

    def emit(event: cloudwatch.LogEvent) -> None:
        click.echo(event.line())

    if not follow:
        for event in cloudwatch.read_events(client, group, start, text):
            emit(event)
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Ctrl-C (or SIGTERM) is how --follow ends: handled even where the shell that started
    # asml ignores SIGINT, as a non-interactive shell does for its background jobs.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):
        cloudwatch.follow(client, group, start, text, emit)
