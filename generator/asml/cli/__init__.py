"""The ``asml`` command line: a thin layer over the library.

This is the one place that turns errors into exit codes: 0 success, 1 a problem the user can
fix (printed without a traceback), 2 a command-line usage error, 70 a bug in asml.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from asml import __version__
from asml.cli.output import print_problems
from asml.errors import AsmlError, ManifestError

EXIT_BUG = 70


class AsmlGroup(click.Group):
    """Runs a command and reports what went wrong in the user's terms."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ManifestError as error:
            # `asml check` is where notes are read; elsewhere they would bury the errors.
            print_problems(error.problems, notes=ctx.invoked_subcommand == "check")
            click.secho(f"Error: {error}", fg="red", err=True)
            ctx.exit(error.exit_code)
        except AsmlError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (`asml schema | head`): not a bug. Python would complain
            # again when it flushes stdout at exit, so point stdout at nothing first.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception:
            click.secho("Internal error: this is a bug in asml; please report it with:", err=True)
            traceback.print_exc()
            ctx.exit(EXIT_BUG)


@click.group(cls=AsmlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="asml", help="Show the version and exit.")
@click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project directory. Default: the nearest directory at or above the current one"
    " that holds an assemblylift.toml.",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """asml: WebAssembly serverless functions on AWS Lambda, managed with Terraform.

    \b
    Example:
      asml init todo --lang zig && cd todo
      asml make function api.create --lang zig --http "POST /todos"
      asml check
    """
    ctx.obj = project


def _register() -> None:
    from asml.cli import (
        build,
        cast,
        check,
        completion,
        deploy,
        init,
        logs,
        make,
        migrate,
        pack,
        package,
        schema,
        serve,
    )

    cli.add_command(init.init)
    cli.add_command(make.make)
    cli.add_command(check.check)
    cli.add_command(migrate.migrate)
    cli.add_command(build.build)
    cli.add_command(package.package_command)
    cli.add_command(cast.cast)
    cli.add_command(deploy.plan)
    cli.add_command(deploy.apply)
    cli.add_command(deploy.deploy)
    cli.add_command(deploy.destroy)
    cli.add_command(deploy.outputs)
    cli.add_command(deploy.tf)
    cli.add_command(completion.completion)
    cli.add_command(serve.serve)
    cli.add_command(serve.invoke)
    cli.add_command(logs.logs)
    cli.add_command(pack.pack_group)
    cli.add_command(schema.schema)


_register()


def main() -> None:
    cli.main(prog_name="asml")
    sys.exit(0)
