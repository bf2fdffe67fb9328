"""``services/<svc>/service.toml`` as AssemblyLift read it, 0.1 to 0.4-beta, in asml's shape.

AssemblyLift's shapes: functions under ``[api.functions.<label>]`` (0.1-0.3, where ``name``
is the function and its folder, the label only a label), ``[[api.functions]]`` (0.4-alpha)
or ``[[functions]]`` (0.4-beta, folders under ``functions/``); IOmods under
``[iomod.dependencies]``, which every function of the service may call. AssemblyLift never
refused a key it did not know, so neither does this: such keys get a note.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from asml.manifest import vocabulary as v
from asml.manifest.assemblylift.context import ServiceContext
from asml.manifest.assemblylift.domains import service_domain
from asml.manifest.assemblylift.iomods import normalize_iomod
from asml.manifest.assemblylift.normalized import Normalized, Table, names, rename
from asml.manifest.assemblylift.writer import render
from asml.manifest.model import NAME_PATTERN, Authorizer, Function, IomodDependency
from asml.manifest.problems import KeyPath
from asml.manifest.project import PROJECT_FILE
from asml.manifest.validation import show

# AssemblyLift's defaults where asml's differ (language: asml has no default).
AL_LANGUAGE = "rust"
AL_MEMORY_MB = 1024
BETA_FUNCTIONS_DIR = "functions"

_RENAMES = {
    "functions": {"handler_name": "handler", "size_mb": "memory_mb", "authorizer_id": "authorizer"},
    "authorizers": {"auth_type": "type"},
    "iomods": {},
}
_IGNORED_FUNCTION_KEYS = {
    "cpu_compat_mode": "asml compiles every guest for a baseline CPU",
    "enable_wasi": "asml's runtime gives every guest WASI",
    "provider": "every function runs on AWS Lambda",
    "registry": "asml deploys zips, not container images",
}
_NATIVE_KEYS = {
    "functions": set(Function.model_fields),
    "authorizers": set(Authorizer.model_fields),
    "iomods": set(IomodDependency.model_fields) | {"type", "from"},
}
_ENTRY_KEY = {"functions": "name", "authorizers": "id", "iomods": "name"}
_LAMBDA_PROVIDERS = ("aws-lambda", "aws-lambda-alpine", "aws")
_KUBERNETES = ("k8s", "kubernetes", "k8s-hyper", "gloo")


def is_assemblylift(raw: Table) -> bool:
    if "manifest_version" in raw:
        return False
    service = raw.get("service")
    old_service = isinstance(service, dict) and ("version" in service or "provider" in service)
    return (
        any(key in raw for key in ("api", "iomod", "gateway"))
        or isinstance(raw.get("functions"), list)
        or old_service
    )


def normalize_service(raw: Table, context: ServiceContext) -> Normalized:
    out = Normalized(copy.deepcopy(raw), assemblylift=is_assemblylift(raw))
    data = out.data
    beta = isinstance(data.get("functions"), list) or "gateway" in data
    service = data.get("service")
    if isinstance(service, dict):
        if "version" in service and out.assemblylift:
            service.pop("version")
            out.note(("service", "version"), "ignored: asml does not version services")
        if "provider" in service:
            _provider(service.pop("provider"), ("service", "provider"), context, out)
    gateway = data.pop("gateway", None)
    if gateway is not None:
        _gateway(gateway, out)
    for table in ("api", "iomod"):
        if out.assemblylift and table in data and not isinstance(data[table], dict):
            out.error((table,), f"expected a table, found {show(data.pop(table))}")
    api = data.get("api")
    if isinstance(api, dict):
        data.pop("api")
        _api(api, data, context, out)
    iomod = data.get("iomod")
    if isinstance(iomod, dict):
        data.pop("iomod")
        if "dependencies" in iomod:
            _move(data, iomod.pop("dependencies"), ("iomod", "dependencies"), "iomods", out)
        for key in iomod:
            _unknown(("iomod", key), out)
    for collection in ("functions", "authorizers", "iomods"):
        if isinstance(data.get(collection), list):
            data[collection] = _array_to_map(data[collection], (collection,), collection, out)
    if out.assemblylift:
        _from_the_project(data, context, out)
    _entries(data, context, out, beta)
    return out


def _from_the_project(data: Table, context: ServiceContext, out: Normalized) -> None:
    """0.4-beta keeps a service's domain and its authorizers in assemblylift.toml."""
    project = context.project
    if context.service in project.service_domains:
        zone, is_root = project.service_domains[context.service]
        written = project.written_at.get(f"domain:{context.service}")
        if written is not None:
            out.elsewhere[("http", "domain")] = (PROJECT_FILE, written)
        found = service_domain(zone, is_root, context, ("http", "domain"), out)
        if found is not None:
            _set_domain(data, found, ("http", "domain"), out)
    functions = data.get("functions")
    wanted = {
        f["authorizer_id"]
        for f in (functions.values() if isinstance(functions, dict) else [])
        if isinstance(f, dict) and isinstance(f.get("authorizer_id"), str)
    }
    authorizers = data.get("authorizers")
    for name in sorted(n for n in wanted if n in project.authorizers):
        if not isinstance(authorizers, dict):
            authorizers = data["authorizers"] = {}
        if name not in authorizers:
            authorizers[name] = copy.deepcopy(project.authorizers[name])
            written = project.written_at.get(f"authorizer:{name}")
            if written is not None:
                out.elsewhere[("authorizers", name)] = (PROJECT_FILE, written)
            out.made_explicit.append(f"authorizers.{name} (from assemblylift.toml)")
            out.note(
                ("authorizers", name),
                f"used by the service {context.service}, which gets it in its service.toml",
            )


def _provider(value: Any, where: KeyPath, context: ServiceContext, out: Normalized) -> None:
    name = value.get("name") if isinstance(value, dict) else value
    if name in _KUBERNETES:
        out.error(
            (*where, "name"),
            f'"{name}" is AssemblyLift\'s Kubernetes provider, which asml does not support: asml'
            ' deploys to AWS Lambda; use "aws-lambda"',
        )
        return
    if name not in _LAMBDA_PROVIDERS:
        out.error((*where, "name"), f'"{name}" is not a provider asml knows; use "aws-lambda"')
        return
    detail = " as zips, not container images" if name == "aws-lambda-alpine" else ""
    out.note(where, f"every function runs on AWS Lambda{detail}; the key is not needed")
    options = value.get("options") if isinstance(value, dict) else None
    region = options.get("aws_region") if isinstance(options, dict) else None
    if region is None:
        return
    option: KeyPath = (*where, "options", "aws_region")
    if context.project.region is not None and region != context.project.region:
        out.error(
            option,
            f'"{region}" differs from the project\'s region "{context.project.region}"; asml'
            f' deploys a project to one region: set `region = "{region}"` in [project] of'
            " assemblylift.toml, or remove this",
        )
    else:
        out.note(option, "the project's region; asml keeps it as `project.region`")


def _gateway(gateway: Any, out: Normalized) -> None:
    provider = gateway.get("provider") if isinstance(gateway, dict) else None
    name = provider.get("name") if isinstance(provider, dict) else provider
    if isinstance(name, str) and name.startswith(_KUBERNETES):
        out.error(
            ("gateway", "provider", "name"),
            f'"{name}" is a Kubernetes gateway, which asml does not support; remove [gateway]',
        )
        return
    out.note(("gateway",), "every route is served by the service's API Gateway HTTP API")


def _api(api: Table, data: Table, context: ServiceContext, out: Normalized) -> None:
    for key, target in (("functions", "functions"), ("authorizers", "authorizers")):
        if key in api:
            _move(data, api.pop(key), ("api", key), target, out)
    if "name" in api:
        api.pop("name")
        out.note(("api", "name"), "ignored: the API is named after the project and service")
    domain, is_root = api.pop("domain_name", None), api.pop("is_root", None)
    if domain is not None:
        found = service_domain(domain, bool(is_root), context, ("api", "domain_name"), out)
        if found is not None:
            _set_domain(data, found, ("api", "domain_name"), out)
    elif is_root is not None:
        out.note(("api", "is_root"), "ignored: it only matters with `domain_name`")
    for key in api:
        _unknown(("api", key), out)


def _set_domain(data: Table, domain: Table, origin: KeyPath, out: Normalized) -> None:
    http = data.setdefault("http", {})
    if not isinstance(http, dict) or "domain" in http:
        out.error(origin, "a custom domain is set twice; keep only `http.domain`")
        return
    http["domain"] = domain
    out.origins[("http", "domain")] = origin


def _move(data: Table, value: Any, origin: KeyPath, target: str, out: Normalized) -> None:
    if target in data:
        out.error(origin, f"defined twice; keep only `{target}`")
        return
    if isinstance(value, list):
        data[target] = _array_to_map(value, origin, target, out)
        out.origins[(target,)] = origin
        return
    if isinstance(value, dict) and out.assemblylift:
        data[target] = _labelled_map(value, origin, target, out)
        out.origins[(target,)] = origin
        return
    data[target] = value
    out.origins[(target,)] = origin


def _labelled_map(entries: Table, origin: KeyPath, collection: str, out: Normalized) -> Table:
    """0.1-0.3 ``[api.functions.<label>] name = "fn"``: the entry is named by ``name``."""
    result: Table = {}
    key_name = _ENTRY_KEY[collection]
    for label, entry in entries.items():
        where = (*origin, label)
        if not isinstance(entry, dict):
            out.error(where, "expected a table")
            continue
        # A function's `name` is its folder too; an authorizer or IOmod is named by its label.
        name = entry.pop("name", label) if collection == "functions" else label
        if collection == "authorizers":
            entry.pop("id", None)
        _add(result, name, entry, where, (*where, key_name), collection, out)
    return result


def _array_to_map(entries: list[Any], origin: KeyPath, collection: str, out: Normalized) -> Table:
    """``[[functions]] name = "a"`` becomes ``functions.a``, remembering ``functions[0]``."""
    result: Table = {}
    key_name = _ENTRY_KEY[collection]
    for index, entry in enumerate(entries):
        where = (*origin, index)
        if not isinstance(entry, dict):
            out.error(where, "expected a table")
            continue
        name = entry.pop(key_name, None)
        if name is None and collection == "iomods":
            coordinates = entry.get("coordinates")
            name = coordinates.rsplit(".", 1)[-1] if isinstance(coordinates, str) else None
        if collection == "authorizers":
            entry.pop("name", None)
        if not isinstance(name, str) or not name:
            out.error((*where, key_name), f"missing; every entry needs a `{key_name}`")
            continue
        _add(result, name, entry, where, (*where, key_name), collection, out)
    return result


def _add(
    result: Table, name: Any, entry: Table, where: KeyPath, name_at: KeyPath, kind: str,
    out: Normalized,
) -> None:  # fmt: skip
    if not isinstance(name, str) or not name:
        out.error(name_at, f"must be a name; every entry needs a `{_ENTRY_KEY[kind]}`")
        return
    if kind == "functions" and out.assemblylift and not re.match(NAME_PATTERN, name):
        name = _asml_name(name, name_at, out)
    if name in result:
        out.error(name_at, f'"{name}" is defined twice; rename one')
    else:
        result[name] = entry
        out.origins[(kind, name)] = where


def _asml_name(folder: str, name_at: KeyPath, out: Normalized) -> str:
    """AssemblyLift took any name (``createTodo``); asml's are lowercase, since they end up in
    resource names and Terraform labels. The folder keeps the name the user gave it."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", folder).lower()
    name = re.sub(r"[^a-z0-9_-]+", "_", snake).strip("_-").lstrip("0123456789_-")
    if not re.match(NAME_PATTERN, name):
        return folder  # validation explains the rule
    out.folders[name] = folder
    out.note(
        name_at,
        f'asml names functions in lowercase: this one is "{name}"; its folder stays "{folder}"',
    )
    return name


def _entries(data: Table, context: ServiceContext, out: Normalized, beta: bool) -> None:
    for collection in ("functions", "authorizers", "iomods"):
        entries = data.get(collection)
        if not isinstance(entries, dict):
            continue
        unreadable = []
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            path = (collection, name)
            for old, new in _RENAMES[collection].items():
                rename(entry, path, old, new, out)
            if collection == "functions":
                _ignored_function_keys(entry, path, out)
            elif (
                collection == "iomods"
                and out.assemblylift
                and not normalize_iomod(entry, path, out, context.root, context.directory)
            ):
                unreadable.append(name)
                continue
            if out.assemblylift:
                for key in sorted(set(entry) - _NATIVE_KEYS[collection]):
                    entry.pop(key)
                    _unknown((*path, key), out, mapped=True)
        for name in unreadable:  # reported already: validating it would say so twice
            del entries[name]
    if out.assemblylift:
        _defaults(data, out, beta)


def _ignored_function_keys(entry: Table, path: KeyPath, out: Normalized) -> None:
    for key, reason in _IGNORED_FUNCTION_KEYS.items():
        if key in entry:
            del entry[key]
            out.note(out.original_path((*path, key)), f"ignored: {reason}")
    if out.assemblylift and entry.get("precompile") is False:
        # AssemblyLift then compiled the module at each cold start: only slower, same result.
        del entry["precompile"]
        out.note(
            out.original_path((*path, "precompile")),
            "ignored: asml precompiles every function for its engine; AssemblyLift's"
            " `precompile = false` only moved that work to each cold start",
        )
    if out.assemblylift and entry.get("language") == "ruby":
        out.error(
            out.original_path((*path, "language")),
            "AssemblyLift 0.4's Ruby functions (a script run by ruby.wasm) are not supported"
            " by asml: port the function to a language asml builds (c, cpp, zig, rust,"
            " assemblyscript, wat), or give it a WebAssembly module of your own with language ="
            ' "wasm"',
        )
        entry["language"] = AL_LANGUAGE  # said once: validation would say it again


def _unknown(path: KeyPath, out: Normalized, mapped: bool = False) -> None:
    where = out.original_path(path) if mapped else path
    if out.assemblylift:
        out.note(where, "ignored: neither AssemblyLift nor asml reads this key; remove it")
    else:
        out.error(where, "unknown key; remove it")


def _defaults(data: Table, out: Normalized, beta: bool) -> None:
    """AssemblyLift's defaults, written into the data so that asml deploys what it did."""
    functions = data.get("functions")
    if not isinstance(functions, dict):
        return
    tables = {name: f for name, f in functions.items() if isinstance(f, dict)}
    declared = data.get("iomods")
    iomods = [n for n in declared if isinstance(n, str)] if isinstance(declared, dict) else []
    collection = out.original_path(("functions",))
    languages = [name for name, f in tables.items() if "language" not in f]
    for name in languages:
        tables[name]["language"] = AL_LANGUAGE
        out.made_explicit.append(f'functions.{name}.language = "{AL_LANGUAGE}"')
    if languages:
        out.note(
            collection,
            f"{names(languages)} {'has' if len(languages) == 1 else 'have'} no `language`:"
            f" Rust, AssemblyLift's default (asml has none)",
        )
    memory = [name for name, f in tables.items() if "memory_mb" not in f]
    for name in memory:
        tables[name]["memory_mb"] = AL_MEMORY_MB
        out.made_explicit.append(f"functions.{name}.memory_mb = {AL_MEMORY_MB}")
    if memory:
        out.note(
            collection,
            f"{names(memory)} {'has' if len(memory) == 1 else 'have'} no `size_mb`:"
            f" {AL_MEMORY_MB} MB, AssemblyLift's default (asml's is {v.DEFAULT_MEMORY_MB} MB)",
        )
    for name, table in tables.items():
        folder = out.folders.get(name, name)
        source = f"{BETA_FUNCTIONS_DIR}/{folder}" if beta else folder
        if "source" not in table and (beta or folder != name):
            table["source"] = source
            out.made_explicit.append(f'functions.{name}.source = "{source}"')
    if iomods:
        given = [name for name, f in tables.items() if "iomods" not in f]
        for name in given:
            tables[name]["iomods"] = list(iomods)
            out.made_explicit.append(f"functions.{name}.iomods = {render(iomods)}")
        if given:
            out.note(
                out.original_path(("iomods",)),
                "IOmods belong to the service in AssemblyLift: every function may call"
                f" {names(iomods)} (in asml, a function calls only the IOmods in its `iomods`)",
            )
