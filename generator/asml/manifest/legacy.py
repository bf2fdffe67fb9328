"""Read AssemblyLift-style manifests (0.3 maps, 0.4 arrays of tables) as asml's own format.

Normalising happens on the raw TOML data before validation, and records where each moved
or renamed key came from, so that errors still point at what the user actually wrote.
Keys that asml no longer needs become warnings instead of unknown-key errors.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from asml.manifest.problems import KeyPath

Table = dict[str, Any]

_FUNCTION_RENAMES = {
    "handler_name": "handler",
    "size_mb": "memory_mb",
    "authorizer_id": "authorizer",
}
_FUNCTION_OBSOLETE = {
    "cpu_compat_mode": "ignored: asml always compiles for a baseline CPU; remove it",
    "registry": "ignored: asml does not use container registries; remove it",
}


@dataclass
class Normalized:
    """The data in asml's native shape, with the way back to the user's key paths."""

    data: Table
    # (path, message) for keys that were ignored
    warnings: list[tuple[KeyPath, str]] = field(default_factory=list)
    # (path, message) for legacy shapes that cannot be read
    errors: list[tuple[KeyPath, str]] = field(default_factory=list)
    # native path prefix -> the user's path prefix
    origins: dict[KeyPath, KeyPath] = field(default_factory=dict)

    def original_path(self, path: KeyPath) -> KeyPath:
        """Map a native key path back to where the user wrote it (longest prefix wins)."""
        for cut in range(len(path), 0, -1):
            origin = self.origins.get(path[:cut])
            if origin is not None:
                return origin + path[cut:]
        return path


def normalize_project(raw: Table) -> Normalized:
    out = Normalized(copy.deepcopy(raw))
    data = out.data
    if "services" in data:
        names = _service_names(data.pop("services"), out)
        project = data.get("project")
        if isinstance(project, dict):
            if "services" in project:
                out.errors.append(
                    (("services",), "services are listed twice; keep only `project.services`")
                )
            else:
                project["services"] = names
                out.origins[("project", "services")] = ("services",)
    terraform = data.get("terraform")
    if isinstance(terraform, dict):
        _rename(terraform, ("terraform",), "state_bucket_name", "state_bucket", out)
        _rename(terraform, ("terraform",), "lock_table_name", "lock_table", out)
    if "domains" in data:
        data.pop("domains")
        out.warnings.append(
            (
                ("domains",),
                "ignored: set a custom domain per service in `http.domain` of its service.toml",
            )
        )
    if "registries" in data:
        data.pop("registries")
        out.warnings.append((("registries",), "ignored: asml does not use registries; remove it"))
    return out


def normalize_service(raw: Table) -> Normalized:
    out = Normalized(copy.deepcopy(raw))
    data = out.data
    service = data.get("service")
    if isinstance(service, dict) and "provider" in service:
        _drop_provider(service.pop("provider"), out)
    api = data.get("api")
    if isinstance(api, dict):
        data.pop("api")
        for key, target in (("functions", "functions"), ("authorizers", "authorizers")):
            if key in api:
                _move(data, api.pop(key), ("api", key), target, out)
        domain = api.pop("domain_name", None)
        api.pop("is_root", None)
        if domain is not None:
            out.warnings.append(
                (
                    ("api", "domain_name"),
                    "ignored: a custom domain needs a certificate; set"
                    " `http.domain = { name = ..., certificate_arn = ... }`",
                )
            )
        for key in api:
            out.errors.append((("api", key), "unknown key; remove it"))
    iomod = data.get("iomod")
    if isinstance(iomod, dict):
        data.pop("iomod")
        if "dependencies" in iomod:
            _move(data, iomod.pop("dependencies"), ("iomod", "dependencies"), "iomods", out)
        for key in iomod:
            out.errors.append((("iomod", key), "unknown key; remove it"))
    for collection, key_name in (("functions", "name"), ("authorizers", "id"), ("iomods", "name")):
        if isinstance(data.get(collection), list):
            data[collection] = _array_to_map(data[collection], (collection,), key_name, out)
    _normalize_entries(data, out)
    return out


def _service_names(value: Any, out: Normalized) -> Any:
    """0.4 `[[services]] name = ...` and 0.3 `[services] x = { name = ... }` become a list."""
    if isinstance(value, dict):
        value = [
            value[k] | {"name": value[k].get("name", k)} if isinstance(value[k], dict) else value[k]
            for k in value
        ]
    if not isinstance(value, list):
        return value
    names: list[Any] = []
    for index, entry in enumerate(value):
        if isinstance(entry, dict):
            if "name" not in entry:
                out.errors.append((("services", index, "name"), "missing; give the service a name"))
                continue
            names.append(entry["name"])
        else:
            names.append(entry)
    return names


def _drop_provider(provider: Any, out: Normalized) -> None:
    name = provider.get("name") if isinstance(provider, dict) else provider
    if name not in ("aws-lambda", "aws"):
        out.errors.append(
            (
                ("service", "provider"),
                f'"{name}" is not supported: asml deploys to AWS Lambda; remove it',
            )
        )
        return
    out.warnings.append((("service", "provider"), "ignored: asml deploys to AWS Lambda; remove it"))
    options = provider.get("options") if isinstance(provider, dict) else None
    if isinstance(options, dict) and "aws_region" in options:
        out.warnings.append(
            (
                ("service", "provider", "options", "aws_region"),
                "ignored: set the region once, as `project.region` in assemblylift.toml",
            )
        )


def _move(data: Table, value: Any, origin: KeyPath, target: str, out: Normalized) -> None:
    if target in data:
        out.errors.append((origin, f"defined twice; keep only `{target}`"))
        return
    key_name = "id" if target == "authorizers" else "name"
    if isinstance(value, list):
        data[target] = _array_to_map(value, origin, key_name, out)
        return
    data[target] = value
    out.origins[(target,)] = origin


def _array_to_map(entries: list[Any], origin: KeyPath, key_name: str, out: Normalized) -> Any:
    """``[[functions]] name = "a"`` becomes ``functions.a``, remembering ``functions[0]``."""
    result: Table = {}
    for index, entry in enumerate(entries):
        where = (*origin, index)
        if not isinstance(entry, dict):
            out.errors.append((where, "expected a table"))
            continue
        name = entry.pop(key_name, None)
        if name is None and origin[-1] in ("iomods", "dependencies"):
            coordinates = entry.get("coordinates")
            name = coordinates.rsplit(".", 1)[-1] if isinstance(coordinates, str) else None
        if not isinstance(name, str) or not name:
            out.errors.append(((*where, key_name), f"missing; every entry needs a `{key_name}`"))
            continue
        if name in result:
            out.errors.append(((*where, key_name), f'"{name}" is defined twice; rename one'))
            continue
        result[name] = entry
        collection = "authorizers" if origin[-1] == "authorizers" else origin[-1]
        collection = "iomods" if collection == "dependencies" else collection
        out.origins[(collection, name)] = where
    return result


def _normalize_entries(data: Table, out: Normalized) -> None:
    for collection, key_name in (("functions", "name"), ("authorizers", "id"), ("iomods", "name")):
        entries = data.get(collection)
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            path = (collection, name)
            # 0.3 map entries repeat their key inside the table.
            for inner in dict.fromkeys((key_name, "name")):
                if inner in entry:
                    if entry[inner] != name:
                        out.errors.append(
                            (
                                out.original_path((*path, inner)),
                                f'"{entry[inner]}" differs from the table\'s key "{name}";'
                                f" remove `{inner}`",
                            )
                        )
                    del entry[inner]
            if collection == "functions":
                _normalize_function(entry, path, out)
            elif collection == "authorizers":
                _rename(entry, path, "auth_type", "type", out)
            else:
                _normalize_iomod(entry, path, out)


def _normalize_function(entry: Table, path: KeyPath, out: Normalized) -> None:
    for old, new in _FUNCTION_RENAMES.items():
        _rename(entry, path, old, new, out)
    for old, message in _FUNCTION_OBSOLETE.items():
        if old in entry:
            del entry[old]
            out.warnings.append((out.original_path((*path, old)), message))


def _normalize_iomod(entry: Table, path: KeyPath, out: Normalized) -> None:
    kind = entry.pop("type", None)
    if kind is not None and kind not in ("file", "registry"):
        out.errors.append(
            (
                out.original_path((*path, "type")),
                f'"{kind}" is not a source; use "file" or "registry"',
            )
        )
    _rename(entry, path, "from", "path", out)
    if kind == "file" and "path" not in entry:
        out.errors.append((out.original_path((*path, "from")), 'missing; type = "file" needs it'))


def _rename(table: Table, path: KeyPath, old: str, new: str, out: Normalized) -> None:
    if old not in table:
        return
    if new in table:
        out.errors.append(
            (
                out.original_path((*path, old)),
                f"`{old}` and `{new}` are both set; keep only `{new}`",
            )
        )
        del table[old]
        return
    table[new] = table.pop(old)
    renamed: KeyPath = (*path, new)
    out.origins[renamed] = out.original_path((*path, old))
