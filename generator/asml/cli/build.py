"""``asml build``."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import TracebackType

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from asml.build.pipeline import Builder, FunctionResult
from asml.cli.context import project_root
from asml.cli.function_ref import complete_service_or_function
from asml.cli.output import print_problems
from asml.errors import AsmlError
from asml.manifest import Project, load_project


class ProgressReporter:
    """A live line per function that is compiling (on a terminal); nothing otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}
        self.lock = threading.Lock()

    def __enter__(self) -> ProgressReporter:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def started(self, function: str, stage: str) -> None:
        with self.lock:
            description = f"{function}: {stage}"
            if function in self.tasks:
                self.progress.update(self.tasks[function], description=description)
            else:
                self.tasks[function] = self.progress.add_task(description, total=None)

    def _done(self, function: str) -> None:
        with self.lock:
            task = self.tasks.pop(function, None)
            if task is not None:
                self.progress.remove_task(task)

    def finished(self, result: FunctionResult) -> None:
        self._done(result.function)

    def failed(self, function: str, error: AsmlError) -> None:
        self._done(function)


def size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


def _status(result: FunctionResult) -> str:
    if not result.precompiled:
        return "wasm only" + (" (cached)" if not result.built_guest else "")
    if result.compiled:
        return "compiled"
    return "cached" if not result.built_guest else "built, artifact cached"


def run_build(
    ctx: click.Context, functions: Sequence[str], jobs: int | None, *, as_progress: bool = False
) -> tuple[Project, list[FunctionResult]]:
    """Load the project and build, showing progress and then a table; shared with package.
    ``as_progress``: the table goes to stderr, for commands whose result is something else
    (`asml invoke` prints the response, which `| jq` must be able to read)."""
    project = load_project(project_root(ctx))
    print_problems(project.warnings, notes=False)
    console = Console(stderr=True)
    with ProgressReporter(console) as reporter:
        results = Builder(project, jobs=jobs, reporter=reporter).build(functions)
    table = Table(box=None, pad_edge=False)
    for column in ("function", "language", "engine", "target", "wasm", "artifact", "status"):
        table.add_column(column)
    for result in results:
        table.add_row(
            result.function,
            result.language,
            result.engine,
            result.architecture,
            size(result.wasm_size),
            size(result.artifact_size) if result.precompiled else "-",
            _status(result),
        )
    Console(width=120, stderr=as_progress).print(table)
    for result in results:
        if result.note:
            click.echo(f"note: {result.function}: {result.note}", err=as_progress)
    print_problems([w for result in results for w in result.warnings])
    return project, results


functions_argument = click.argument(
    "functions",
    nargs=-1,
    metavar="[SERVICE[.FUNCTION]]...",
    shell_complete=complete_service_or_function,
)
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Functions built at once. Default: CPU count."
)


@click.command()
@functions_argument
@jobs_option
@click.pass_context
def build(ctx: click.Context, functions: tuple[str, ...], jobs: int | None) -> None:
    """Build functions to .wasm and precompile them for Lambda.

    Builds every function, or the services and functions named. Unchanged functions
    come from the cache in .asml/cache, so a second build compiles nothing. Results go
    to .asml/build/<service>/<function>/: module.wasm, module.bin (native code) and
    module.json, the record the runtime verifies before loading.

    \b
    Example:
      asml build
      asml build api.hello --jobs 1
    """
    run_build(ctx, functions, jobs)
