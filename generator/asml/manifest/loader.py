"""Find a project, read its manifests, and validate all of it, reporting every problem at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from asml.errors import ManifestError, ProjectNotFoundError
from asml.manifest import assemblylift, checks, lifecycle, pruning
from asml.manifest import vocabulary as v
from asml.manifest.model import ProjectManifest, ServiceManifest
from asml.manifest.problems import Severity
from asml.manifest.project import (
    PROJECT_FILE,
    SERVICE_FILE,
    SERVICES_DIR,
    Project,
    Service,
    service_manifest_path,
)
from asml.manifest.report import FileReport, Report
from asml.manifest.toml_io import TomlReadError, read_toml
from asml.manifest.validation import show

ModelT = TypeVar("ModelT", bound=BaseModel)


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds an ``assemblylift.toml``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    raise ProjectNotFoundError(
        f"no {PROJECT_FILE} in {start} or any parent directory;"
        " run `asml init NAME` to create a project, or pass --project DIR"
    )


def load_project(root: Path, *, today: date | None = None) -> Project:
    """Load and check the project at ``root``. Raises :class:`ManifestError` listing every error."""
    report = Report()
    root = root.resolve()
    manifest, context, project_report = _load_project_manifest(root, report)
    services: list[checks.CheckedService] = []
    for name in _service_names(manifest, root):
        loaded = _load_service(root, name, report, context)
        if loaded is not None:
            services.append(loaded)
    # A project manifest with errors had them pruned to defaults; do not warn about defaults.
    project_ok = not any(
        p.file == PROJECT_FILE for p in report.problems if p.severity is Severity.ERROR
    )
    checks.check_project(
        root, manifest, services, project_report, today or lifecycle.today(), project_ok
    )
    if report.has_errors:
        raise ManifestError(report.problems)
    assert manifest is not None, "a project without errors has a valid manifest"
    warnings = tuple(p for p in report.problems if p.severity is not Severity.ERROR)
    return Project(root, manifest, tuple(s.service for s in services), warnings)


def _load_project_manifest(
    root: Path, report: Report
) -> tuple[ProjectManifest | None, assemblylift.ProjectContext, FileReport]:
    """The manifest, what it tells the services, and its report (in the user's key paths)."""
    raw = _read(root / PROJECT_FILE, report.file(PROJECT_FILE))
    if raw is None:
        return None, assemblylift.ProjectContext(), report.file(PROJECT_FILE)
    normalized, context = assemblylift.normalize_project(raw)
    context = assemblylift.adopt_region(normalized, context, provider_regions(root, normalized))
    file_report = report.file(PROJECT_FILE, normalized)
    validated = _validate(normalized, ProjectManifest, file_report)
    return validated.model, context, file_report


def provider_regions(root: Path, normalized: assemblylift.Normalized) -> dict[str, str]:
    """``[service.provider.options] aws_region`` of each listed service (0.3-0.4-alpha)."""
    project = normalized.data.get("project")
    listed = project.get("services") if isinstance(project, dict) else None
    regions = {}
    for name in listed if isinstance(listed, list) else []:
        if not isinstance(name, str) or "/" in name:
            continue
        try:
            service = read_toml(service_manifest_path(root, name)).get("service")
        except TomlReadError:
            continue
        provider = service.get("provider") if isinstance(service, dict) else None
        options = provider.get("options") if isinstance(provider, dict) else None
        region = options.get("aws_region") if isinstance(options, dict) else None
        if isinstance(region, str):
            regions[name] = region
    return regions


def _service_names(manifest: ProjectManifest | None, root: Path) -> list[str]:
    if manifest is not None:
        return list(dict.fromkeys(manifest.project.services))
    # The project manifest is broken; still check the services it seems to list.
    try:
        raw = assemblylift.normalize_project(read_toml(root / PROJECT_FILE))[0].data
    except TomlReadError:
        return []
    project = raw.get("project")
    listed = project.get("services") if isinstance(project, dict) else None
    if not isinstance(listed, list):
        return []
    names = dict.fromkeys(n for n in listed if isinstance(n, str) and "/" not in n)
    return [name for name in names if service_manifest_path(root, name).is_file()]


def _load_service(
    root: Path, name: str, report: Report, project: assemblylift.ProjectContext
) -> checks.CheckedService | None:
    path = service_manifest_path(root, name)
    if not path.is_file():
        return None  # checks.check_project reports a listed service without a manifest
    file = f"{SERVICES_DIR}/{name}/{SERVICE_FILE}"
    raw = _read(path, report.file(file))
    if raw is None:
        return None
    context = assemblylift.ServiceContext(root, name, path.parent, project)
    normalized = assemblylift.normalize_service(raw, context)
    file_report = report.file(file, normalized)
    validated = _validate(normalized, ServiceManifest, file_report)
    if validated.model is None:
        return None
    service = Service(name, path.parent, validated.model, dict(normalized.origins))
    return checks.CheckedService(service, file_report, frozenset(validated.pruned))


def _read(path: Path, report: FileReport) -> dict[str, Any] | None:
    try:
        return read_toml(path)
    except TomlReadError as error:
        report.error((), error.message)
        return None


def _validate(
    normalized: assemblylift.Normalized, model: type[ModelT], report: FileReport
) -> pruning.Validated[ModelT]:
    """Validate, reporting every problem; the model comes back even if parts were invalid."""
    # Normalising already speaks in the user's key paths.
    for path, message in normalized.notes:
        report.add_found(path, message, Severity.NOTE)
    for path, message in normalized.warnings:
        report.add_found(path, message, Severity.WARNING)
    for path, message in normalized.errors:
        report.add_found(path, message, Severity.ERROR)
    version = normalized.data.get("manifest_version", v.MANIFEST_VERSION)
    if version != v.MANIFEST_VERSION or isinstance(version, bool):
        report.error(
            ("manifest_version",),
            f"{show(version)} is not a format this asml reads (it reads {v.MANIFEST_VERSION});"
            f" write `manifest_version = {v.MANIFEST_VERSION}` or upgrade asml",
        )
        return pruning.Validated(None)
    if normalized.assemblylift:
        for path in pruning.drop_unknown_keys(normalized.data, model):
            report.note(path, "ignored: neither AssemblyLift nor asml reads this key; remove it")
    result = pruning.validate(normalized.data, model)
    for path, message in result.problems:
        report.error(path, message)
    return result
