"""Rules that span keys, files and the file system, each naming the exact key to fix.

The models have already checked each value on its own; here we check how they fit together:
references, clashes, limits on generated names, engine/architecture pairs, files that must exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from asml import naming
from asml.manifest import lifecycle, references
from asml.manifest import vocabulary as v
from asml.manifest.assemblylift.iomods import ASSEMBLYLIFT_PACKAGE
from asml.manifest.model import (
    Authorizer,
    DomainSettings,
    Function,
    IomodDependency,
    ProjectManifest,
)
from asml.manifest.project import SERVICE_FILE, SERVICES_DIR, Service, service_manifest_path
from asml.manifest.report import FileReport
from asml.manifest.trigger_checks import check_triggers
from asml_iomods.catalog import standard_manifest
from asml_iomods.manifest import PACKED_SUFFIX

_PARAMETER = re.compile(r"\{[^}]*?(\+?)\}")


@dataclass(frozen=True)
class CheckedService:
    """A service's manifest (with invalid entries pruned) and the report of its file."""

    service: Service
    report: FileReport
    # (collection, name) of entries that were invalid: references to them are not errors
    pruned: frozenset[tuple[str, str]] = frozenset()

    def was_pruned(self, collection: str, name: str) -> bool:
        return (collection, name) in self.pruned


def check_project(
    root: Path,
    manifest: ProjectManifest | None,
    services: Sequence[CheckedService],
    report: FileReport,
    today: date,
    project_complete: bool = True,
) -> None:
    """Check everything that can be checked. ``manifest`` is None when the project file is
    too broken to read; the services are still checked, less what depends on the project."""
    if manifest is not None:
        _check_service_list(root, manifest, report)
        _check_terraform(manifest, report)
    for checked in services:
        _check_service(root, manifest, checked)
        if manifest is not None:
            _check_wasmer_runtime_use(manifest, checked)
    if manifest is not None and project_complete:
        _check_python310(manifest, services, report, today)
    references.check_references(
        root,
        manifest,
        report,
        [(checked.service.manifest.model_dump(), checked.report) for checked in services],
        report.sink,
    )


def _check_service_list(root: Path, manifest: ProjectManifest, report: FileReport) -> None:
    seen: set[str] = set()
    for index, name in enumerate(manifest.project.services):
        where = ("project", "services", index)
        if name in seen:
            report.error(where, f'"{name}" is listed twice; remove one')
            continue
        seen.add(name)
        if not service_manifest_path(root, name).is_file():
            report.error(
                where,
                f"{SERVICES_DIR}/{name}/{SERVICE_FILE} does not exist;"
                f' create it with `asml make service {name}` or remove "{name}"',
            )
    services_dir = root / SERVICES_DIR
    if not services_dir.is_dir():
        return
    for candidate in sorted(services_dir.iterdir()):
        if (candidate / SERVICE_FILE).is_file() and candidate.name not in seen:
            report.warning(
                ("project", "services"),
                f"{SERVICES_DIR}/{candidate.name}/{SERVICE_FILE} is not listed, so it is not"
                f' deployed; add "{candidate.name}" to deploy it',
            )


def _check_terraform(manifest: ProjectManifest, report: FileReport) -> None:
    terraform = manifest.terraform
    s3_keys = [
        key
        for key in ("state_bucket", "lock_table", "state_key", "state_region")
        if getattr(terraform, key) is not None
    ]
    if terraform.backend == "local" and s3_keys:
        report.error(
            ("terraform", s3_keys[0]),
            'only the "s3" backend uses it; remove it or set `backend = "s3"`',
        )
    if terraform.backend == "s3" and terraform.state_bucket is None:
        report.error(
            ("terraform", "state_bucket"),
            'required key is missing; the "s3" backend needs the bucket that holds the state',
        )
    if terraform.backend is None and terraform.state_bucket is None and s3_keys:
        report.error(
            ("terraform", "state_bucket"),
            f"required key is missing; `{s3_keys[0]}` only works with an S3 state bucket",
        )


def _check_service(root: Path, manifest: ProjectManifest | None, checked: CheckedService) -> None:
    service, report = checked.service, checked.report
    spec = service.manifest
    if spec.service.name is not None and spec.service.name != service.name:
        report.error(
            ("service", "name"),
            f'"{spec.service.name}" differs from the directory name "{service.name}";'
            f' write `name = "{service.name}"` or remove it',
        )
    routes: dict[tuple[str, str], str] = {}
    used_authorizers: set[str] = set()
    for name, function in spec.functions.items():
        path = ("functions", name)
        _check_function(root, manifest, service, name, function, report)
        if function.http is not None:
            key = (function.http.verb, _PARAMETER.sub(r"{\1}", function.http.path))
            other = routes.get(key)
            if other is not None:
                report.error(
                    (*path, "http"),
                    f'route "{function.http.verb} {function.http.path}" is also taken by function'
                    f' "{other}"; change the verb or the path',
                )
            routes.setdefault(key, name)
        if function.authorizer is not None:
            used_authorizers.add(function.authorizer)
            if not checked.was_pruned("authorizers", function.authorizer):
                _check_authorizer_reference(spec.authorizers, name, function, report)
        seen: set[str] = set()
        for index, use in enumerate(function.iomods):
            iomod, dot, _ = use.partition(".")
            if iomod not in spec.iomods and not checked.was_pruned("iomods", iomod):
                known = ", ".join(f'"{k}"' for k in spec.iomods) or "none"
                report.error(
                    (*path, "iomods", index),
                    f'"{iomod}" is not an IOmod of this service (declared: {known});'
                    f" add `[iomods.{iomod}]` or remove it",
                )
            elif use in seen:
                report.error((*path, "iomods", index), f'"{use}" is listed twice; remove one')
            elif (dot and iomod in seen) or (not dot and any(
                other.startswith(iomod + ".") for other in seen
            )):  # fmt: skip
                report.error(
                    (*path, "iomods", index),
                    f'"{iomod}" (every call) and "{iomod}.CALL" (one call) are both listed;'
                    f' keep "{iomod}" for every call, or only the calls the function makes',
                )
            seen.add(use)
    for name, authorizer in spec.authorizers.items():
        _check_authorizer(name, authorizer, report)
        if name not in used_authorizers and not checked.pruned:
            report.warning(("authorizers", name), "no function uses this authorizer")
    coordinates: dict[str, str] = {}
    for name, dependency in spec.iomods.items():
        _check_iomod(root, service, name, dependency, report)
        if dependency.coordinates in coordinates:
            report.error(
                ("iomods", name, "coordinates"),
                f'"{dependency.coordinates}" is already declared as'
                f' "{coordinates[dependency.coordinates]}"; remove one',
            )
        coordinates.setdefault(dependency.coordinates, name)
    check_triggers(service.name, spec, manifest, report, checked.pruned)
    if spec.http.domain is not None:
        _check_domain(spec.http.domain, report)
    if not routes and (spec.http.cors is not None or spec.http.domain is not None):
        report.warning(
            ("http",),
            "no function has an `http` route, so the service gets no HTTP API and these"
            " settings have no effect",
        )


def _check_domain(domain: DomainSettings, report: FileReport) -> None:
    path = ("http", "domain")
    if domain.zone_id is not None and domain.zone_name is not None:
        report.error((*path, "zone_name"), "names the zone `zone_id` names; keep only one")
    elif domain.certificate_arn is None and domain.zone_id is None and domain.zone_name is None:
        report.error(
            (*path, "zone_name"),
            "required key is missing; without `certificate_arn`, asml requests a certificate"
            " and ACM validates it through DNS in the domain's Route 53 zone: set `zone_name`"
            ' (e.g. "example.com") or `zone_id`, or give `certificate_arn`',
        )
    zone = domain.zone_name
    if zone is not None and domain.name != zone and not domain.name.endswith("." + zone):
        report.error(
            (*path, "zone_name"),
            f'"{zone}" cannot hold records for "{domain.name}"; name the zone the domain is in',
        )


def _check_function(
    root: Path,
    manifest: ProjectManifest | None,
    service: Service,
    name: str,
    function: Function,
    report: FileReport,
) -> None:
    path = ("functions", name)
    _check_source(root, service, name, function, report)
    _check_environment(function.environment, (*path, "environment"), report)
    if function.http is not None and function.timeout_seconds > v.HTTP_API_TIMEOUT_SECONDS:
        report.warning(
            (*path, "timeout_seconds"),
            f"API Gateway stops waiting after {v.HTTP_API_TIMEOUT_SECONDS} s, so an HTTP caller"
            f" never sees an answer that takes up to {function.timeout_seconds} s",
        )
    if manifest is None:
        return  # the rest depends on the project's name and defaults
    for stage in [None, *manifest.stages]:
        lambda_name = naming.lambda_name(manifest.project.name, service.name, name, stage)
        if len(lambda_name) > v.MAX_LAMBDA_NAME:
            where = f' (stage "{stage}")' if stage else ""
            report.error(
                path,
                f'its Lambda name "{lambda_name}"{where} has {len(lambda_name)} characters,'
                f" more than AWS allows ({v.MAX_LAMBDA_NAME}); shorten the project, service"
                " or function name",
            )
            break
    engine = function.engine or manifest.project.engine
    architecture = function.architecture or manifest.project.architecture
    if architecture == "arm64" and engine not in v.ARM64_ENGINES:
        key = "engine" if function.engine else "architecture"
        report.error(
            (*path, key),
            f'engine "{engine}" cannot run on arm64 (its wheels exist only for x86_64);'
            ' set `engine = "wasmtime"` or `architecture = "x86_64"`',
        )
    if not function.precompile and engine not in v.JIT_ENGINES:
        report.error(
            (*path, "precompile"),
            f'engine "{engine}" compiles only at build time, so it needs `precompile = true`;'
            ' or pick "wasmer-cranelift", "wasmer-singlepass" or "wasmtime"',
        )


def _check_source(
    root: Path, service: Service, name: str, function: Function, report: FileReport
) -> None:
    key = ("functions", name, "source")
    if function.source is not None and Path(function.source).is_absolute():
        report.error(key, f'"{function.source}" must be relative to the service directory')
        return
    source = service.source_of(name)
    shown = _relative(root, source)
    if not source.exists():
        hint = "set `source`" if function.source is None else "fix `source`"
        report.error(
            key if function.source is not None else ("functions", name),
            f"its source {shown} does not exist; create it or {hint}",
        )
        return
    if function.language == "wasm" and not (source.is_file() and source.suffix == ".wasm"):
        report.error(key, f'language "wasm" needs `source` to name a .wasm file, not {shown}')
    elif function.language != "wat" and function.language != "wasm" and not source.is_dir():
        report.error(key, f"{shown} must be a directory holding the function's source")


def _check_environment(
    environment: dict[str, str], path: tuple[str | int, ...], report: FileReport
) -> None:
    for key in environment:
        if key in v.RESERVED_ENV_KEYS:
            report.error((*path, key), "Lambda reserves this variable; choose another name")
        elif key.startswith(v.RESERVED_ENV_PREFIX):
            report.error(
                (*path, key),
                f"names starting with {v.RESERVED_ENV_PREFIX} are reserved for the asml runtime;"
                " choose another name",
            )
    size = sum(len(k.encode()) + len(value.encode()) for k, value in environment.items())
    if size > v.MAX_ENV_BYTES:
        report.error(
            path,
            f"the variables take {size} bytes, more than Lambda's {v.MAX_ENV_BYTES};"
            " move large values to Secrets Manager or S3",
        )


def _check_authorizer_reference(
    authorizers: dict[str, Authorizer], name: str, function: Function, report: FileReport
) -> None:
    path = ("functions", name, "authorizer")
    if function.http is None:
        report.error(path, "only HTTP functions can have an authorizer; add `http` or remove it")
    elif function.authorizer not in authorizers:
        known = ", ".join(f'"{k}"' for k in authorizers) or "none"
        report.error(
            path,
            f'"{function.authorizer}" is not an authorizer of this service (declared: {known});'
            f" add `[authorizers.{function.authorizer}]` or fix the name",
        )


def _check_authorizer(name: str, authorizer: Authorizer, report: FileReport) -> None:
    path = ("authorizers", name)
    if authorizer.type == "JWT":
        if authorizer.issuer is None:
            report.error(
                (*path, "issuer"),
                "required key is missing; a JWT authorizer needs the issuer URL,"
                ' e.g. "https://example.auth0.com/"',
            )
        elif not authorizer.issuer.startswith("https://"):
            report.error((*path, "issuer"), f'"{authorizer.issuer}" must be an https:// URL')
        if not authorizer.audience:
            report.error(
                (*path, "audience"),
                "required key is missing; a JWT authorizer needs at least one audience",
            )
        return
    for key in ("issuer", "audience", "scopes"):
        if getattr(authorizer, key):
            report.error(
                (*path, key), 'only JWT authorizers use it; remove it or set `type = "JWT"`'
            )


def _check_iomod(
    root: Path, service: Service, name: str, dependency: IomodDependency, report: FileReport
) -> None:
    path = ("iomods", name)
    if dependency.path is not None:
        location = service.directory / dependency.path
        packed = location.is_file() and location.name.endswith(PACKED_SUFFIX)
        if location.is_file() and not packed:
            report.error((*path, "path"), f"{_relative(root, location)} is {ASSEMBLYLIFT_PACKAGE}")
        elif not location.is_dir() and not packed:
            report.error(
                (*path, "path"),
                f"{_relative(root, location)} is neither a directory nor a {PACKED_SUFFIX} file;"
                " point `path` at the IOmod's folder (with its iomod.toml) or at the package"
                " `asml pack iomod` made",
            )
        return
    if dependency.coordinates not in v.STANDARD_IOMODS:
        report.error(
            (*path, "coordinates"),
            f'"{dependency.coordinates}" is not an IOmod that ships with asml'
            f" ({', '.join(v.STANDARD_IOMODS)}); for your own IOmod, set `path`",
        )
    elif dependency.version is not None:
        shipped = standard_manifest(dependency.coordinates).version
        if dependency.version != shipped:
            report.note(
                (*path, "version"),
                f"asml runs its own {dependency.coordinates}, version {shipped}; its calls are"
                " the ones `asml check` lists below",
            )
    for index, resource in enumerate(dependency.resources):
        if (
            resource != "*"
            and not resource.startswith("arn:")
            and not references.may_refer(resource)
        ):
            report.error(
                (*path, "resources", index),
                f'"{resource}" is not an ARN; write the full ARN, e.g.'
                ' "arn:aws:dynamodb:us-east-1:123456789012:table/todos"',
            )


def _check_python310(
    manifest: ProjectManifest,
    services: Sequence[CheckedService],
    report: FileReport,
    today: date,
) -> None:
    """Tell once per file, not once per function, that python3.10 is at its end on Lambda."""
    is_error, message = lifecycle.python310_notice(today)
    if all(stage.target == "local" for stage in manifest.stages.values()) and manifest.stages:
        return
    project = manifest.project
    inherits = False
    for checked in services:
        explicit = []
        for name, function in checked.service.manifest.functions.items():
            if (function.engine or project.engine) not in v.WASMER_ENGINES:
                continue
            if function.wasmer_runtime == "python3.10":
                explicit.append(name)
            inherits = inherits or function.wasmer_runtime is None
        if explicit:
            where = ("functions", explicit[0], "wasmer_runtime")
            (checked.report.error if is_error else checked.report.warning)(where, message)
    if inherits and project.wasmer_runtime == "python3.10":
        (report.error if is_error else report.warning)(("project", "wasmer_runtime"), message)


def _check_wasmer_runtime_use(manifest: ProjectManifest, service: CheckedService) -> None:
    """``wasmer_runtime`` on a wasmtime function is a mistake worth saying, not an error."""
    for name, function in service.service.manifest.functions.items():
        engine = function.engine or manifest.project.engine
        if function.wasmer_runtime is not None and engine not in v.WASMER_ENGINES:
            service.report.warning(
                ("functions", name, "wasmer_runtime"),
                f"has no effect: the function runs on {engine}, which always uses Lambda's"
                " python3.12 runtime; remove it",
            )


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
