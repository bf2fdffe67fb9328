"""``asml cast``."""

from __future__ import annotations

import click

from asml.cli.build import jobs_option, run_build
from asml.cli.output import LayerLines
from asml.generate.cast import generate
from asml.generate.net import NET_DIR
from asml.package.layer_check import AWS_REFUSES


@click.command()
@jobs_option
@click.pass_context
def cast(ctx: click.Context, jobs: int | None) -> None:
    """Build every function, package it, and write the Terraform in net/.

    net/ calls the modules asml ships (copied to net/modules) with one file per service,
    and deploys the zips in net/dist, whose SHA-256 is written into the HCL: Terraform
    builds nothing. The same project gives the same bytes on any machine, so net/ can be
    reviewed in pull requests. Your own Terraform goes in user_tf/, which net/ wires in.

    \b
    Example:
      asml cast
      terraform -chdir=net init && terraform -chdir=net plan
    """
    project, results = run_build(ctx, (), jobs, as_progress=True)  # net/ is the result
    generated = generate(project, results, LayerLines())
    changed = [w for w in generated.written if w.status != "unchanged"]
    for written in changed:
        click.echo(f"  {written.status:<8} {NET_DIR}/{written.path}")
    unchanged = len(generated.written) - len(changed)
    click.echo(
        f"{NET_DIR}/: {len(changed)} file{'s' * (len(changed) != 1)} written,"
        f" {unchanged} unchanged; {len(results)} function{'s' * (len(results) != 1)}"
        f" in {len(generated.net.services)} service{'s' * (len(generated.net.services) != 1)}"
    )
    for note in generated.net.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    for layer in generated.too_new:
        click.secho(f"warning: {layer.message()}; {AWS_REFUSES}", fg="yellow", err=True)
