"""Write ``net/``: the rendered files, a copy of asml's modules and the zips they deploy.

Everything is rendered first, so a failure leaves ``net/`` untouched; then ``modules/`` and
``dist/`` are each swapped in whole and every file replaced atomically. What else is in
``net/`` (``.terraform/``, a lock file, state) stays. Files asml wrote earlier that the
project no longer needs (a removed service's file) are deleted: asml's files are the ones
whose first line is the :data:`~asml.generate.render.MARKER`.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from asml.fsutil import place_file, replaced_directory, write_text_atomic
from asml.generate.render import MARKER
from asml.generate.resolve import GenerateError
from asml.package.project import Packaged

NET_DIR = "net"
MODULES = ("http-api", "iam-role", "lambda-function", "lambda-layer")
# Copied only into a net/ that calls them, so that a project without schedules, queues or
# buckets reviews no module it does not use.
TRIGGER_MODULES = ("bucket-events", "schedule", "sqs-trigger")
ALL_MODULES = tuple(sorted(MODULES + TRIGGER_MODULES))
_MODULE_FILES = ("README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf")


def bundled_modules() -> Path:
    """asml's modules/: at the top of a source checkout, or installed under share/asml."""
    for candidate in (
        Path(__file__).resolve().parents[3] / "modules",
        Path(sys.prefix) / "share" / "asml" / "modules",
    ):
        if all((candidate / name / "main.tf").is_file() for name in ALL_MODULES):
            return candidate
    raise GenerateError(
        "asml's Terraform modules are missing from this installation; reinstall asml"
    )


@dataclass(frozen=True)
class Written:
    path: str  # relative to net/
    status: str  # "new", "changed", "unchanged" or "removed"


def _marked(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().startswith(MARKER)
    except (OSError, UnicodeDecodeError):
        return False


def _stale(net_dir: Path, keep: Iterable[str]) -> list[Path]:
    kept = set(keep)
    candidates = [*net_dir.glob("*.tf"), *net_dir.glob("stages/*.tfvars")]
    return sorted(
        p for p in candidates if p.relative_to(net_dir).as_posix() not in kept and _marked(p)
    )


def _artifacts(packaged: Packaged, package_root: Path) -> dict[str, Path]:
    zips = [f.zip for f in packaged.functions]
    zips += [
        *packaged.interpreter_layers.values(),
        *packaged.layers.values(),
        *packaged.iomod_layers.values(),
    ]
    return {z.path.relative_to(package_root).as_posix(): z.path for z in zips}


def write_net(
    net_dir: Path,
    files: Mapping[str, str],
    packaged: Packaged,
    package_root: Path,
) -> list[Written]:
    """Bring ``net_dir`` to exactly what ``files`` and the packaged zips say."""
    modules = bundled_modules()
    net_dir.mkdir(parents=True, exist_ok=True)
    called = [m for m in TRIGGER_MODULES if any(f'"./modules/{m}"' in t for t in files.values())]
    with replaced_directory(net_dir / "modules") as staging:
        for name in (*MODULES, *called):
            (staging / name).mkdir()
            for file_name in _MODULE_FILES:
                # copied, never linked: an edit in net/modules must not reach asml's own
                shutil.copyfile(modules / name / file_name, staging / name / file_name)
    with replaced_directory(net_dir / "dist") as staging:
        for relative, source in sorted(_artifacts(packaged, package_root).items()):
            place_file(source, staging / relative)
    written = []
    for relative, text in files.items():
        path = net_dir / relative
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            written.append(Written(relative, "unchanged"))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
        written.append(Written(relative, "new" if old is None else "changed"))
    for path in _stale(net_dir, files):
        path.unlink()
        written.append(Written(path.relative_to(net_dir).as_posix(), "removed"))
    return written
