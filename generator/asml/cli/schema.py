"""``asml schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import click

from asml.fsutil import write_text_atomic
from asml.manifest.schema import SCHEMA_FILES, SchemaKind, manifest_schema, render_schema


@click.command()
@click.argument("kind", type=click.Choice(["project", "service"]), required=False)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write assemblylift.schema.json and service.schema.json into this directory.",
)
def schema(kind: str | None, out: Path | None) -> None:
    """Print the JSON Schema of the manifests, for editors and CI.

    With no KIND, prints both, keyed by file name. Point taplo (Even Better TOML)
    at a written file with a `#:schema ./assemblylift.schema.json` line at the top
    of the manifest.

    \b
    Example:
      asml schema service > service.schema.json
      asml schema --out .schemas
    """
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, file in SCHEMA_FILES.items():
            write_text_atomic(out / file, render_schema(name))
            click.echo(f"Wrote {out / file}")
        return
    if kind is not None:
        click.echo(render_schema(cast(SchemaKind, kind)), nl=False)
        return
    both = {
        "assemblylift.toml": manifest_schema("project"),
        "service.toml": manifest_schema("service"),
    }
    click.echo(json.dumps(both, indent=2, sort_keys=True))
