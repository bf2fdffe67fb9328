"""``asml serve`` and ``asml invoke``."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click

from asml.build.pipeline import BUILD_DIR, Builder
from asml.cli.build import run_build
from asml.cli.context import project_root
from asml.cli.function_ref import checked_function_ref, complete_function_ref, complete_service
from asml.environment import EnvironmentChanges
from asml.errors import AsmlError
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project, load_project
from asml.naming import lambda_name
from asml.serve import sample_events
from asml.serve.server import Gateway, Server, Site, stderr_log
from asml.serve.triggers import Triggers
from asml.serve.watch import Watcher, watched
from asml.serve.workers import Job, Outcome, Worker, WorkerDied, Workers, WorkerTimeout
from asml.terraform.deployed import fetch
from asml.terraform.deployed import invoke as invoke_deployed
from asml.terraform.local_aws import check_reachable
from asml.terraform.stage import StageContext, local_aws_environment, stage_context
from asml_runtime.iomods import IOMODS_FILE


def _environment(project: Project, target: str | None) -> EnvironmentChanges:
    """What the functions' IOmods see: the local AWS for ``--target local``; and always the
    project's region, as on Lambda, where AWS_REGION is the function's own region (without it,
    an IOmod call on a machine with no AWS region configured failed with NoRegionError)."""
    region = project.manifest.project.region
    if target == "local":
        return local_aws_environment(project.manifest.local.endpoint, region)
    return {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}


def _served(project: Project, service: str | None) -> Project:
    """The project, or only the one service asked for."""
    if service is None:
        return project
    return dataclasses.replace(project, services=(project.service(service),))


def _local_clients(project: Project) -> Callable[[str], Any]:
    from asml.terraform.session import stage_client

    context = stage_context(project, None, "local")
    assert context.endpoint is not None
    check_reachable(context.endpoint)
    return lambda name: stage_client(context, name, read_timeout=10)


target_option = click.option(
    "--target",
    type=click.Choice(["aws", "local"]),
    help="local: IOmods call the local AWS at [local] endpoint (e.g. moto). Default: aws,"
    " with your usual AWS credentials.",
)


@click.command()
@click.argument("service", required=False, shell_complete=complete_service)
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")  # fmt: skip
@click.option("-w", "--workers", "count", type=click.IntRange(min=1),
              default=min(4, os.cpu_count() or 1),
              help="Worker processes per function. Default: the CPUs, at most 4.")  # fmt: skip
@click.option("--no-watch", is_flag=True, help="Do not rebuild when sources change.")
@target_option
@click.pass_context
def serve(ctx: click.Context, service: str | None, port: int, count: int, no_watch: bool,
          target: str | None) -> None:  # fmt: skip
    """Serve the functions' HTTP routes on 127.0.0.1, as API Gateway would.

    Routes match like an HTTP API (path parameters, greedy {proxy+}), events are payload
    format 2.0, JWT authorizers are checked (and verified when the authorizer has `jwks`),
    and each request runs through the same runtime and IOmods as on Lambda, in worker
    processes held to the function's memory and timeout. One log line per request. Saving a
    source file rebuilds and reloads.

    \b
    Example:
      asml serve --port 8080
      asml serve api --target local --workers 2
    """
    project, _ = run_build(ctx, (), None, as_progress=True)
    site = Site.of(project, service)
    clients = _local_clients(project) if target == "local" else None
    workers = Workers(count, _environment(project, target))
    triggers = Triggers(_served(project, service), workers, stderr_log, clients)
    trigger_lines = triggers.describe()
    if not site.routes and not trigger_lines:
        raise AsmlError(
            "no function has an `http` route, a schedule, a queue or a bucket to serve; add a"
            " route with `http = {...}` or a trigger (docs/manifest.md)"
        )
    gateway = Gateway(site, workers, stderr_log)
    server = Server(gateway, port)
    lock = threading.Lock()

    def rebuild() -> None:
        with lock:
            try:
                fresh = load_project(project.root)
                stderr_log("change seen: rebuilding ...")
                Builder(fresh).build()
                gateway.site = Site.of(fresh, service)
                # Functions' settings apply at once; new or changed triggers at the next start.
                triggers.project = _served(fresh, service)
                workers.recycle()
                stderr_log("rebuilt and reloaded")
            except AsmlError as error:
                stderr_log(f"rebuild failed, still serving the last good build: {error}")

    watcher = Watcher(project.root, lambda: watched(gateway.site.project), rebuild)
    for warning in site.verifier.warnings(site.routes):
        stderr_log(f"warning: {warning}")
    for route in sorted(site.routes, key=lambda r: (r.path, r.verb)):
        stderr_log(f"  {route.key:<32} {route.reference}")
    for line in trigger_lines:
        stderr_log(line)
    if any(line.startswith("  schedule") for line in trigger_lines):
        stderr_log(f"  (kill -USR1 {os.getpid()} runs every schedule now)")
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, lambda signum, frame: triggers.run_schedules_now())
    server.serve_in_background()
    triggers.start()
    if not no_watch:
        watcher.start()
    stderr_log(f"asml serve: listening on http://127.0.0.1:{server.port} ({count} workers);"
               " Ctrl-C stops")  # fmt: skip
    try:
        stopped.wait()
    finally:
        if not no_watch:
            watcher.stop()
        server.stop_accepting()
        triggers.stop()
        workers.close()  # requests still running end now, with a 502
        server.close()
        stderr_log("asml serve: stopped")


@click.command()
@click.argument("reference", metavar="SERVICE.FUNCTION", shell_complete=complete_function_ref)
@click.option(
    "-e",
    "--event",
    "event_source",
    metavar="KIND|FILE|-",
    help="The event: a sample of http, sqs, s3 or schedule, filled in from the"
    " function's trigger; or JSON from a file, or - for standard input. Default: the"
    " sample of what triggers the function (its route first), else {}.",
)
@click.option("--set", "assignments", metavar="KEY=VALUE", multiple=True,
              help="Change one value of the event, e.g. Records.0.body=hello: text where the"
              " event has text, else JSON if it reads as JSON; repeatable.")  # fmt: skip
@click.option("-s", "--stage", help="Invoke the function this stage deployed (implies --deployed).")
@click.option("--deployed", is_flag=True,
              help="Invoke the deployed function, not the project's build: on Lambda, or with"
              " --target local the code the local AWS holds.")  # fmt: skip
@target_option
@click.pass_context
def invoke(ctx: click.Context, reference: str, event_source: str | None,
           assignments: tuple[str, ...], stage: str | None, deployed: bool,
           target: str | None) -> None:  # fmt: skip
    """Run one function once, through the Lambda runtime, and print its response.

    The response goes to standard output, the build, the function's log lines and the log
    tail of a deployed function to standard error.

    \b
    Example:
      asml invoke api.hello
      echo '{"body": "{\\"title\\": \\"milk\\"}"}' | asml invoke todo.create --event -
      asml invoke jobs.work --event sqs --set 'Records.0.body={"id": 7}'
      asml invoke api.hello --stage prod
      asml invoke api.hello --deployed --target local
    """
    project = load_project(project_root(ctx))
    service_name, function_name = checked_function_ref(project, reference)
    function = project.service(service_name).manifest.functions[function_name]
    event = _event(project, service_name, function_name, event_source, assignments)
    if stage is not None or deployed:
        context = stage_context(project, stage, target)
        name = lambda_name(project.name, service_name, function_name, stage)
        if context.target == "aws":
            _print_response(reference, *_invoked_on_lambda(context, name, reference, event))
            return
        assert context.endpoint is not None
        check_reachable(context.endpoint)  # the same hint as plan's when no local AWS answers
        into = project.root / ".asml" / "deployed" / context.key / service_name / function_name
        found = fetch(context, name, reference, into)
        if (found.directory / IOMODS_FILE).is_file():  # the IOmods it calls, laid out
            run_build(ctx, (reference,), None, as_progress=True)
        click.echo(f"Running {name} as stage {context.label} deployed it", err=True)
        changes = local_aws_environment(context.endpoint, context.region) | found.environment
        outcome = _run(reference, Job(str(found.directory),
                                      str(project.root / BUILD_DIR / service_name / IOMODS_DIR),
                                      found.memory_mb, event, float(found.timeout)),
                       changes, found.timeout)  # fmt: skip
    else:
        run_build(ctx, (reference,), None, as_progress=True)
        root = project.root / BUILD_DIR / service_name
        job = Job(str(root / function_name), str(root / IOMODS_DIR), function.memory_mb, event,
                  float(function.timeout_seconds))  # fmt: skip
        outcome = _run(reference, job, _environment(project, target), function.timeout_seconds)
    _print_response(reference, outcome.payload.decode("utf-8", "replace"), not outcome.ok)


def _event(project: Project, service: str, function: str, source: str | None,
           assignments: tuple[str, ...]) -> bytes:  # fmt: skip
    if source in sample_events.KINDS:
        event: Any = sample_events.sample_event(project, service, function, source)
    elif source is not None:
        event = _read_event(source)
    else:
        kind = sample_events.default_kind(project, service, function)
        event = sample_events.sample_event(project, service, function, kind) if kind else {}
    for assignment in assignments:
        event = sample_events.apply_set(event, assignment)
    if assignments:
        sample_events.refresh_digests(event)
    return json.dumps(event, separators=(",", ":")).encode()


def _read_event(source: str) -> Any:
    where = "standard input" if source == "-" else source
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        kinds = ", ".join(sample_events.KINDS)
        raise AsmlError(
            f"--event {source}: cannot read it ({error.strerror}); give a JSON file, - for"
            f" standard input, or one of {kinds} for a sample"
        ) from None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise AsmlError(f"the event is not JSON ({where}): {error}") from None


def _run(reference: str, job: Job, environment: EnvironmentChanges, timeout: int) -> Outcome:
    # In a worker process, as serve runs it: held to the function's memory and timeout (a
    # wasmer guest holds the GIL, so not even Ctrl-C would stop it in this process).
    worker = Worker(environment, job.memory_mb)
    try:
        return worker.run(job)
    except WorkerTimeout:
        raise AsmlError(
            f"{reference} ran past its timeout of {timeout} s and was stopped;"
            " raise `timeout_seconds` if it needs longer"
        ) from None
    except WorkerDied:
        raise AsmlError(f"{reference}: the process running it died") from None
    finally:
        worker.stop()


def _invoked_on_lambda(
    context: StageContext, name: str, reference: str, event: bytes
) -> tuple[str, bool]:
    click.echo(f"Invoking {name} on stage {context.label} in {context.region}", err=True)
    invocation = invoke_deployed(context, name, reference, event)
    for line in invocation.log_tail.splitlines():
        click.echo(f"  log: {line}", err=True)
    return invocation.payload.decode("utf-8", "replace"), invocation.function_error is not None


def _print_response(reference: str, text: str, failed: bool) -> None:
    if failed:
        raise AsmlError(f"{reference} failed: {text}")
    try:
        click.echo(json.dumps(json.loads(text), indent=2))
    except ValueError:
        click.echo(text)
    sys.stdout.flush()
