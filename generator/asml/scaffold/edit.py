"""``asml make service`` / ``asml make function``: grow a project, keeping the user's files.

Manifests are edited with tomlkit, so comments, order and formatting stay as the user left
them, and new entries follow the style the file already uses (tables or arrays of tables).
A change that would make the project invalid is rolled back and reported; nothing is kept.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Array, Table

from asml.errors import ManifestError, ScaffoldError
from asml.fsutil import staged_directory, write_bytes_atomic, write_text_atomic
from asml.manifest.loader import load_project
from asml.manifest.problems import Problem, Severity
from asml.manifest.project import PROJECT_FILE, SERVICES_DIR, service_manifest_path
from asml.scaffold.languages import SCAFFOLD_LANGUAGES
from asml.scaffold.names import check_name
from asml.scaffold.project import function_entry, write_function_files
from asml.scaffold.render import render


def add_service(root: Path, service: str) -> list[Path]:
    """Create ``services/<service>/service.toml`` and list the service in the project."""
    check_name("service", service)
    directory = root / SERVICES_DIR / service
    if directory.exists():
        raise ScaffoldError(f"{SERVICES_DIR}/{service} already exists; choose another name")
    project_file = root / PROJECT_FILE
    doc = _parse(project_file, PROJECT_FILE)
    _list_service(doc, service)
    manifest = render("service/service.toml.j2", service=service)

    def write(staging: Path) -> None:
        (staging / "service.toml").write_text(manifest, encoding="utf-8", newline="\n")

    _apply(root, directory, write, project_file, _dumps(doc))
    return [directory / "service.toml", project_file]


def add_function(
    root: Path, service: str, function: str, language: str, http: tuple[str, str] | None
) -> list[Path]:
    """Create ``services/<service>/<function>/`` with a hello function and declare it."""
    check_name("service", service)
    check_name("function", function)
    if language not in SCAFFOLD_LANGUAGES:
        raise ScaffoldError(
            f'"{language}" has no template; use one of {", ".join(SCAFFOLD_LANGUAGES)}'
        )
    manifest_path = service_manifest_path(root, service)
    if not manifest_path.is_file():
        raise ScaffoldError(
            f'service "{service}" does not exist; create it first with'
            f" `asml make service {service}`"
        )
    relative = f"{SERVICES_DIR}/{service}/service.toml"
    doc = _parse(manifest_path, relative)
    if function in _function_names(doc):
        raise ScaffoldError(
            f'{relative} already declares function "{function}"; choose another name'
        )
    directory = manifest_path.parent / function
    if directory.exists():
        raise ScaffoldError(
            f"{SERVICES_DIR}/{service}/{function} already exists; choose another name"
        )
    _declare_function(doc, function, language, http)

    def write(staging: Path) -> None:
        write_function_files(staging, language, function)

    _apply(root, directory, write, manifest_path, _dumps(doc))
    return [directory, manifest_path]


def _parse(path: Path, shown: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as error:
        raise ScaffoldError(f"{shown}: cannot be edited: {error}; fix it first") from None
    except FileNotFoundError:
        raise ScaffoldError(f"{shown} does not exist") from None


def _list_service(doc: tomlkit.TOMLDocument, service: str) -> None:
    legacy = doc.get("services")
    if isinstance(legacy, AoT):  # AssemblyLift 0.4: [[services]] name = "..."
        entry = tomlkit.table()
        entry["name"] = service
        _append_table(legacy, entry)
        return
    if isinstance(legacy, Table):  # AssemblyLift 0.3: [services.x] name = "..."
        legacy[service] = tomlkit.inline_table()
        legacy[service]["name"] = service
        return
    project = doc.get("project")
    if not isinstance(project, Table):
        raise ScaffoldError(f"{PROJECT_FILE}: has no [project] table; fix it first")
    services = project.get("services")
    if services is None:
        project["services"] = [service]
    elif isinstance(services, Array):
        services.append(service)
    else:
        raise ScaffoldError(f"{PROJECT_FILE}: `project.services` is not an array; fix it first")


def _function_names(doc: tomlkit.TOMLDocument) -> set[str]:
    names: set[str] = set()
    for container in (doc.get("functions"), _nested(doc, "api", "functions")):
        if isinstance(container, Table):
            names.update(str(k) for k in container)
        elif isinstance(container, AoT):
            names.update(str(t.get("name")) for t in container)
    return names


def _nested(doc: tomlkit.TOMLDocument, *keys: str) -> Any:
    node: Any = doc
    for key in keys:
        node = node.get(key) if isinstance(node, (Table, tomlkit.TOMLDocument)) else None
    return node


def _declare_function(
    doc: tomlkit.TOMLDocument, function: str, language: str, http: tuple[str, str] | None
) -> None:
    for keys in (("api", "functions"), ("functions",)):
        container = _nested(doc, *keys)
        if isinstance(container, AoT):  # keep the file's array-of-tables style
            snippet = tomlkit.parse(
                function_entry(function, language, http, collection=".".join(keys))
            )
            _append_table(container, _nested(snippet, *keys)[0])
            return
    snippet = tomlkit.parse(function_entry(function, language, http))
    entry = snippet["functions"][function]
    functions = doc.get("functions")
    if isinstance(functions, Table):
        entry.add(tomlkit.nl())  # a blank line before whatever table follows
        functions.append(function, entry)
    else:
        if doc.body and not doc.as_string().endswith("\n\n"):
            doc.add(tomlkit.nl())
        doc.append("functions", snippet["functions"])


def _append_table(tables: AoT, entry: Table) -> None:
    """Append to an array of tables, with a blank line between the entries."""
    if len(tables) and not tables[-1].as_string().endswith("\n\n"):
        tables[-1].add(tomlkit.nl())
    tables.append(entry)


def _dumps(doc: tomlkit.TOMLDocument) -> str:
    """The document's text, ending in exactly one newline."""
    return tomlkit.dumps(doc).rstrip("\n") + "\n"


def _apply(
    root: Path,
    directory: Path,
    fill: Callable[[Path], None],
    manifest: Path,
    new_manifest: str,
) -> None:
    """Create ``directory`` and rewrite ``manifest``; undo both if the project gets new errors."""
    before = _problems(root)
    original = manifest.read_bytes()
    with staged_directory(directory) as staging:
        fill(staging)
    try:
        write_text_atomic(manifest, new_manifest)
        introduced = [p for p in _problems(root) if str(p) not in {str(b) for b in before}]
        errors = [p for p in introduced if p.severity is Severity.ERROR]
        if errors:
            raise ManifestError(errors)
    except BaseException:
        write_bytes_atomic(manifest, original)
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _problems(root: Path) -> list[Problem]:
    try:
        return list(load_project(root).warnings)
    except ManifestError as error:
        return list(error.problems)
