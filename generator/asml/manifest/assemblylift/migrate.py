"""``asml migrate``: an AssemblyLift project's manifests, rewritten in asml's own format.

Each file is read exactly as ``asml check`` reads it; what comes out is the same data in
asml's keys, with AssemblyLift's defaults written out (so that nothing changes meaning once
the file no longer reads as AssemblyLift's), and the comments of every key that survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asml.manifest.assemblylift.comments import comments_of
from asml.manifest.assemblylift.context import ServiceContext
from asml.manifest.assemblylift.normalized import Normalized
from asml.manifest.assemblylift.project_file import adopt_region, normalize_project
from asml.manifest.assemblylift.service_file import normalize_service
from asml.manifest.assemblylift.writer import write_native
from asml.manifest.loader import provider_regions
from asml.manifest.model import ProjectManifest, ServiceManifest
from asml.manifest.problems import format_key_path
from asml.manifest.project import PROJECT_FILE, SERVICE_FILE, SERVICES_DIR, service_manifest_path
from asml.manifest.pruning import drop_unknown_keys
from asml.manifest.toml_io import parse_toml


@dataclass(frozen=True)
class Migration:
    """One file's rewrite."""

    file: str  # relative to the project root
    before: str
    after: str
    changes: tuple[str, ...]  # what changed, for the report


def plan(root: Path) -> list[Migration]:
    """The rewrite of each manifest that is in AssemblyLift's format (none: nothing to do).
    The caller has loaded the project: every file here reads without errors."""
    text = (root / PROJECT_FILE).read_text(encoding="utf-8")
    normalized, context = normalize_project(parse_toml(text.encode()))
    context = adopt_region(normalized, context, provider_regions(root, normalized))
    found = []
    if normalized.assemblylift:
        found.append(_migration(PROJECT_FILE, text, normalized, ProjectManifest))
    services = normalized.data.get("project", {}).get("services", [])
    for name in dict.fromkeys(services):
        path = service_manifest_path(root, name)
        text = path.read_text(encoding="utf-8")
        service = normalize_service(
            parse_toml(text.encode()), ServiceContext(root, name, path.parent, context)
        )
        if service.assemblylift:
            file = f"{SERVICES_DIR}/{name}/{SERVICE_FILE}"
            found.append(_migration(file, text, service, ServiceManifest))
    return found


def _migration(
    file: str, text: str, normalized: Normalized, model: type[ProjectManifest | ServiceManifest]
) -> Migration:
    # What `asml check` notes as read by neither AssemblyLift nor asml goes, as it says.
    for path in drop_unknown_keys(normalized.data, model):
        normalized.note(
            normalized.original_path(path), "dropped: neither AssemblyLift nor asml reads it"
        )
    after = write_native(normalized.data, model, comments_of(text), normalized.original_path)
    return Migration(file, text, after, tuple(_changes(normalized)))


def _changes(normalized: Normalized) -> list[str]:
    lines = ["manifest_version = 1 (asml's format)"]
    for native, original in normalized.origins.items():
        if native != original:
            lines.append(f"`{format_key_path(original)}` -> `{format_key_path(native)}`")
    for path, message in normalized.notes:
        lines.append(f"`{format_key_path(path)}`: {message}")
    lines += [f"wrote out {line}" for line in normalized.made_explicit]
    return lines
