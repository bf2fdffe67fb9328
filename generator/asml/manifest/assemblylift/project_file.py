"""``assemblylift.toml`` as AssemblyLift read it, 0.1 to 0.4-beta, in asml's shape.

Services: a map ``[services] x = { name = "svc" }`` (0.1-0.3) or ``[[services]]`` (0.4);
0.4-beta adds ``[[platforms]]`` that services name by ``provider.platform_id``, and keeps
services' domains and the authorizers here. What concerns one service goes to the reader of
its service file as a :class:`ProjectContext`.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from asml.manifest.assemblylift.context import ProjectContext
from asml.manifest.assemblylift.normalized import Normalized, Table, rename
from asml.manifest.problems import KeyPath

_AL_ONLY = ("services", "platforms", "domains", "registries", "authorizers")
_KUBERNETES = ("kubernetes", "k8s")


def is_assemblylift(raw: Table) -> bool:
    if "manifest_version" in raw:
        return False
    project = raw.get("project")
    terraform = raw.get("terraform")
    return (
        any(key in raw for key in _AL_ONLY)
        or (isinstance(project, dict) and "version" in project)
        or (
            isinstance(terraform, dict)
            and bool({"state_bucket_name", "lock_table_name"} & set(terraform))
        )
    )


def normalize_project(raw: Table) -> tuple[Normalized, ProjectContext]:
    out = Normalized(copy.deepcopy(raw), assemblylift=is_assemblylift(raw))
    data = out.data
    project = data.get("project")
    if isinstance(project, dict) and "version" in project and out.assemblylift:
        project.pop("version")
        out.note(("project", "version"), "ignored: asml does not version projects")
    platforms = _platforms(data.pop("platforms", None), out)
    domains: dict[str, tuple[str, bool]] = {}
    written_at: dict[str, KeyPath] = {}
    if "services" in data:
        names = _services(data.pop("services"), platforms, domains, written_at, out)
        if isinstance(project, dict):
            if "services" in project:
                out.error(("services",), "services are listed twice; keep only `project.services`")
            else:
                project["services"] = names
                out.origins[("project", "services")] = ("services",)
    terraform = data.get("terraform")
    if isinstance(terraform, dict):
        rename(terraform, ("terraform",), "state_bucket_name", "state_bucket", out)
        rename(terraform, ("terraform",), "lock_table_name", "lock_table", out)
    zones = _zones(data.pop("domains", None), out)
    if "registries" in data:
        data.pop("registries")
        out.note(("registries",), "ignored: asml deploys zips, not container images")
    authorizers = _authorizers(data.pop("authorizers", None), written_at, out)
    region = project.get("region") if isinstance(project, dict) else None
    if isinstance(project, dict) and region is None:
        region = _platform_region(platforms, out)
        if region is not None:
            project["region"] = region
            out.made_explicit.append(f'project.region = "{region}" (from [[platforms]])')
    name = project.get("name") if isinstance(project, dict) else None
    context = ProjectContext(
        name=name if isinstance(name, str) else None,
        region=region if isinstance(region, str) else None,
        zones=zones,
        service_domains=domains,
        authorizers=authorizers,
        written_at=written_at,
    )
    return out, context


def adopt_region(
    out: Normalized, context: ProjectContext, regions: dict[str, str]
) -> ProjectContext:
    """An AssemblyLift project has no region of its own: its services' providers had one
    each (``options.aws_region``). When they agree, it is the project's."""
    project = out.data.get("project")
    if not out.assemblylift or context.region is not None or not isinstance(project, dict):
        return context
    found = sorted(set(regions.values()))
    if len(found) > 1:
        where = ", ".join(f"{service}: {region}" for service, region in sorted(regions.items()))
        out.error(
            ("project",),
            f"the services' providers name {len(found)} regions ({where}), but asml deploys a"
            f' project to one: set `region = "{found[0]}"` here, and the same `aws_region` in'
            " each service (or remove it)",
        )
    if len(found) != 1:
        return context
    project["region"] = found[0]
    out.made_explicit.append(f'project.region = "{found[0]}" (from the services\' providers)')
    out.note(("project",), f'region: "{found[0]}", the region of its services\' providers')
    return dataclasses.replace(context, region=found[0])


def _platforms(value: Any, out: Normalized) -> dict[str, Table]:
    if value is None:
        return {}
    found: dict[str, Table] = {}
    for index, entry in enumerate(value if isinstance(value, list) else [value]):
        where: KeyPath = ("platforms", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            out.error((*where, "id"), "missing; every platform needs an `id`")
            continue
        if entry.get("name") in _KUBERNETES:
            out.error(
                (*where, "name"),
                '"kubernetes" is not supported: asml deploys to AWS Lambda; use name = "aws"',
            )
        elif entry.get("name") != "aws":
            out.error((*where, "name"), f'{entry.get("name")!r} is not a platform; use "aws"')
        found[entry["id"]] = entry
    out.note(("platforms",), "ignored: asml deploys to AWS")
    return found


def _platform_region(platforms: dict[str, Table], out: Normalized) -> str | None:
    regions = set()
    for platform in platforms.values():
        options = platform.get("options")
        if isinstance(options, dict):
            for key in ("region", "aws_region"):
                if isinstance(options.get(key), str):
                    regions.add(options[key])
    if len(regions) > 1:
        out.error(
            ("platforms",),
            f"the platforms name {len(regions)} regions; asml deploys a project to one",
        )
    return next(iter(regions)) if len(regions) == 1 else None


def _services(
    value: Any,
    platforms: dict[str, Table],
    domains: dict[str, tuple[str, bool]],
    written_at: dict[str, KeyPath],
    out: Normalized,
) -> Any:
    """0.4 ``[[services]] name = ...`` and 0.1-0.3 ``[services] x = { name = ... }`` become a
    list of names; 0.4-beta's per-service keys are read on the way."""
    keys: list[str | int] = list(range(len(value))) if isinstance(value, list) else []
    if isinstance(value, dict):
        keys = list(value)
        value = [
            value[k] | {"name": value[k].get("name", k)} if isinstance(value[k], dict) else value[k]
            for k in value
        ]
    if not isinstance(value, list):
        return value
    names: list[Any] = []
    for index, entry in enumerate(value):
        where: KeyPath = ("services", keys[index])
        out.origins[("project", "services", index)] = where
        if not isinstance(entry, dict):
            names.append(entry)
            continue
        if "name" not in entry:
            out.error((*where, "name"), "missing; give the service a name")
            continue
        names.append(entry["name"])
        _service_provider(entry.get("provider"), platforms, (*where, "provider"), out)
        if "registry_id" in entry:
            out.note((*where, "registry_id"), "ignored: asml deploys zips, not container images")
        if "domain_name" in entry:
            domains[str(entry["name"])] = (entry["domain_name"], bool(entry.get("is_root")))
            written_at[f"domain:{entry['name']}"] = (*where, "domain_name")
        elif "is_root" in entry:
            out.note((*where, "is_root"), "ignored: it only matters with `domain_name`")
    return names


def _service_provider(
    provider: Any, platforms: dict[str, Table], where: KeyPath, out: Normalized
) -> None:
    if provider is None:
        return
    if not isinstance(provider, dict):
        out.error(where, 'expected a table, e.g. { name = "aws-lambda", platform_id = "aws" }')
        return
    name, platform_id = provider.get("name"), provider.get("platform_id")
    if platforms and (not isinstance(platform_id, str) or platform_id not in platforms):
        known = ", ".join(f'"{p}"' for p in platforms)
        out.error((*where, "platform_id"), f"{platform_id!r} names no platform (defined: {known})")
        return
    platform = platforms.get(platform_id) if isinstance(platform_id, str) else None
    if name in ("k8s", "kubernetes") or (platform and platform.get("name") in _KUBERNETES):
        out.error(
            (*where, "name"),
            f'"{name}" runs the service on Kubernetes, which asml does not support: asml'
            ' deploys to AWS Lambda; use name = "aws-lambda"',
        )
    elif name != "aws-lambda":
        out.error((*where, "name"), f'{name!r} is not a provider asml knows; use "aws-lambda"')
    else:
        out.note(where, "every function runs on AWS Lambda; the key is not needed")


def _zones(value: Any, out: Normalized) -> dict[str, bool]:
    if value is None:
        return {}
    zones: dict[str, bool] = {}
    for index, entry in enumerate(value if isinstance(value, list) else [value]):
        where: KeyPath = ("domains", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("dns_name"), str):
            out.error(
                (*where, "dns_name"), 'missing; the Route 53 zone\'s name, e.g. "example.com"'
            )
            continue
        provider = entry.get("provider")
        name = provider.get("name") if isinstance(provider, dict) else provider
        if name not in (None, "route53"):
            out.error(
                (*where, "provider", "name"),
                f'{name!r}: asml manages DNS in Route 53 only; use "route53"',
            )
        options = provider.get("options") if isinstance(provider, dict) else None
        if isinstance(options, dict) and "aws_region" in options:
            out.note((*where, "provider", "options", "aws_region"), "ignored: Route 53 is global")
        zones[entry["dns_name"]] = bool(entry.get("map_to_root"))
    out.note(
        ("domains",),
        "each service that names a domain gets it as `http.domain` in its service.toml",
    )
    return zones


def _authorizers(value: Any, written_at: dict[str, KeyPath], out: Normalized) -> dict[str, Table]:
    if value is None:
        return {}
    found: dict[str, Table] = {}
    for index, entry in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            out.error(("authorizers", index, "id"), "missing; every authorizer needs an `id`")
            continue
        found[entry["id"]] = {k: v for k, v in entry.items() if k not in ("id", "name")}
        written_at[f"authorizer:{entry['id']}"] = ("authorizers", index)
    out.note(("authorizers",), "each service that uses one gets it in its service.toml")
    return found
