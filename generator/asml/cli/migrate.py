"""``asml migrate``."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

import click

from asml.cli.context import project_root
from asml.cli.output import plural
from asml.errors import AsmlError, ManifestError
from asml.manifest import load_project
from asml.manifest.assemblylift.migrate import Migration, plan
from asml.manifest.project import PROJECT_FILE, SERVICE_FILE, SERVICES_DIR


@click.command()
@click.option("--dry-run", is_flag=True, help="Print the diff and the report; change nothing.")
@click.pass_context
def migrate(ctx: click.Context, dry_run: bool) -> None:
    """Rewrite AssemblyLift manifests in asml's own format, in place.

    Every AssemblyLift version (0.1 to 0.4-beta) is read as `asml check` reads
    it; the files come out in asml's keys, with AssemblyLift's defaults written
    out (memory, language, each function's IOmods) and the comments of every key
    that survives. The project deploys the same resources before and after. A
    second run changes nothing.

    \b
    Example:
      asml migrate --dry-run
      asml migrate && git diff
    """
    root = project_root(ctx)
    before = load_project(root)  # an AssemblyLift file with errors is not rewritten
    migrations = plan(root)
    if not migrations:
        click.echo("Nothing to migrate: every manifest is in asml's format.")
        return
    if dry_run:
        for migration in migrations:
            click.echo(_diff(migration), nl=False)
    else:
        _write(root, migrations)
        try:
            after = load_project(root)
        except ManifestError as error:
            _write(root, [Migration(m.file, m.after, m.before, ()) for m in migrations])
            raise AsmlError(
                "the rewritten manifests did not read back (a bug in asml migrate; please"
                f" report it): {error.problems[0]}; the files were restored"
            ) from None
        # The rewrite must mean what the files meant: the same models, file by file.
        changed = [PROJECT_FILE] if after.manifest != before.manifest else []
        changed += [
            f"{SERVICES_DIR}/{new.name}/{SERVICE_FILE}"
            for old, new in zip(before.services, after.services, strict=False)
            if old.manifest != new.manifest
        ]
        if changed or len(after.services) != len(before.services):
            _write(root, [Migration(m.file, m.after, m.before, ()) for m in migrations])
            raise AsmlError(
                f"the rewritten {', '.join(changed) or 'project'} reads differently (a bug in"
                " asml migrate; please report it); the files were restored"
            )
    for migration in migrations:
        click.echo(f"{migration.file}:")
        for change in migration.changes:
            click.echo(f"  {change}")
    done = "would be rewritten (--dry-run: nothing changed)" if dry_run else "rewritten"
    click.echo(f"{plural(len(migrations), 'file')} {done}.")


def _diff(migration: Migration) -> str:
    return "".join(
        difflib.unified_diff(
            migration.before.splitlines(keepends=True),
            migration.after.splitlines(keepends=True),
            f"a/{migration.file}",
            f"b/{migration.file}",
        )
    )


def _write(root: Path, migrations: list[Migration]) -> None:
    """Every file or none: all are written beside their targets first, then moved in."""
    staged: list[tuple[Path, Path]] = []
    try:
        for migration in migrations:
            target = root / migration.file
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(migration.after)
            Path(name).chmod(target.stat().st_mode & 0o777)
            staged.append((Path(name), target))
    except OSError as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise AsmlError(f"cannot write the migrated manifests: {error}; nothing changed") from None
    for temporary, target in staged:
        temporary.replace(target)
