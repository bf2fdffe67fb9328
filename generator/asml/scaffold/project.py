"""``asml init``: a new project with one service and one hello function."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asml.errors import ScaffoldError
from asml.fsutil import staged_directory
from asml.manifest import vocabulary as v
from asml.manifest.loader import load_project
from asml.manifest.project import PROJECT_FILE, SERVICE_FILE, SERVICES_DIR
from asml.scaffold.languages import SCAFFOLD_LANGUAGES, function_files
from asml.scaffold.names import check_name
from asml.scaffold.render import render


@dataclass(frozen=True)
class InitOptions:
    language: str = "c"
    service: str = "api"
    function: str = "hello"
    region: str = v.DEFAULT_REGION
    engine: str = v.DEFAULT_ENGINE


def init_project(directory: Path, options: InitOptions) -> Path:
    """Create the project in ``directory`` (new, or empty). Returns its path."""
    name = check_name("project", directory.name)
    check_name("service", options.service)
    check_name("function", options.function)
    if options.language not in SCAFFOLD_LANGUAGES:
        raise ScaffoldError(
            f'"{options.language}" has no template; use one of {", ".join(SCAFFOLD_LANGUAGES)}'
        )
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScaffoldError(f"{directory} already exists and is not empty; choose another name")
    with staged_directory(directory) as staging:
        _write_project(staging, name, options)
        # The new project must pass `asml check`, or nothing is created.
        load_project(staging)
    return directory


def _write_project(root: Path, name: str, options: InitOptions) -> None:
    context = {
        "project": name,
        "region": options.region,
        "engine": options.engine,
        "service": options.service,
    }
    _write(root / PROJECT_FILE, render("project/assemblylift.toml.j2", **context))
    _write(root / ".gitignore", render("project/gitignore.j2"))
    service_dir = root / SERVICES_DIR / options.service
    service_dir.mkdir(parents=True)
    manifest = render("service/service.toml.j2", service=options.service)
    manifest += "\n" + function_entry(options.function, options.language, ("GET", "/hello"))
    _write(service_dir / SERVICE_FILE, manifest)
    write_function_files(service_dir / options.function, options.language, options.function)


def function_entry(
    function: str,
    language: str,
    http: tuple[str, str] | None,
    *,
    collection: str | None = None,
) -> str:
    """The TOML for one function: ``[functions.NAME]``, or ``[[COLLECTION]]`` for array style."""
    route = {"verb": http[0], "path": http[1]} if http else None
    return render(
        "service/function.toml.j2",
        function=function,
        language=language,
        http=route,
        array_style=collection is not None,
        collection=collection or "functions",
    )


def write_function_files(directory: Path, language: str, function: str) -> None:
    for relative, text in function_files(language, function).items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, text)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
