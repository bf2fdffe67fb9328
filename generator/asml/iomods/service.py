"""A service's IOmods, resolved and laid out where the runtime finds them.

``asml build`` writes, for each service with IOmods::

    .asml/build/<service>/_iomods/<coordinates>/     iomod.json + the IOmod's files
    .asml/build/<service>/<function>/iomods.json     the IOmods that function may call

Locally the runtime finds IOmods through ``ASML_IOMOD_PATH=.asml/build/<service>/_iomods``;
on Lambda the service's IOmod layer puts the same tree at ``/opt/asml/iomods``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from asml.fsutil import replaced_directory
from asml.iomods.permissions import grant_of, refusal
from asml.iomods.source import IomodSource, IomodSourceError, load, standard, write
from asml.manifest import Project
from asml.manifest.model import Function, IomodDependency
from asml.manifest.problems import Problem, Severity
from asml.manifest.project import SERVICE_FILE, SERVICES_DIR, Service, service_manifest_path
from asml_iomods.manifest import IomodManifest

IOMODS_DIR = "_iomods"  # names of functions start with a letter, so this cannot clash


def resolve(project: Project, service: Service, cache_dir: Path) -> dict[str, IomodSource]:
    """The service's IOmods by their name in service.toml, checked against what it asks for."""
    manifest_path = service_manifest_path(project.root, service.name)
    resolved = {}
    for name, dependency in sorted(service.manifest.iomods.items()):
        try:
            resolved[name] = resolve_one(service, dependency, cache_dir)
        except DependencyProblem as problem:
            raise IomodSourceError(f"{manifest_path}: {problem.sentence(name)}") from None
    return resolved


class DependencyProblem(Exception):
    """Why one dependency cannot be used, and the key (under ``iomods.<name>``) at fault."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key

    def where(self, name: str) -> str:
        return f"iomods.{name}" + (f".{self.key}" if self.key else "")

    def sentence(self, name: str) -> str:
        """``iomods.crypto.version asks for ...``: the key, then what is wrong with it."""
        flows = self.key in ("coordinates", "version")  # "... .version asks for 9.9.9"
        return f"{self.where(name)}{' ' if flows else ': '}{self}"


def resolve_one(service: Service, dependency: IomodDependency, cache_dir: Path) -> IomodSource:
    """One dependency's IOmod: found, matching what the service asks for, and not asking for
    wide IAM without the service's consent; :class:`DependencyProblem` otherwise."""
    if dependency.path is None:
        source = standard(dependency.coordinates)
    else:
        location = service.directory / dependency.path
        try:
            source = load(location, cache_dir)
        except IomodSourceError as error:
            # Named from the project's root (services/<svc>/ is two levels down), not this
            # machine's: the message is the same in every checkout.
            root, normal = service.directory.parent.parent, Path(os.path.normpath(location))
            shown = normal.relative_to(root).as_posix() if normal.is_relative_to(root) else normal
            raise DependencyProblem("path", str(error).replace(str(location), str(shown))) from None
    found = source.manifest
    if found.coordinates != dependency.coordinates:
        raise DependencyProblem(
            "coordinates",
            f"is {dependency.coordinates!r}, but the IOmod at {dependency.path} is"
            f" {found.coordinates!r}; make them agree",
        )
    # A standard IOmod pinned at another version (AssemblyLift's akkoro.std.http 0.3.0) is
    # asml's own build of it: `asml check` notes the difference.
    if dependency.path is not None and dependency.version not in (None, found.version):
        raise DependencyProblem(
            "version",
            f"asks for {dependency.version}, but the IOmod is version {found.version}; set"
            f' `version = "{found.version}"` or remove it',
        )
    grant = grant_of("", dependency, found)
    if grant.refused:
        raise DependencyProblem(None, refusal(grant))
    return source


def function_iomods(function: Function, sources: Mapping[str, IomodSource]) -> str | None:
    """The text of a function's ``iomods.json``, or None when it calls no IOmods. An IOmod it
    names only some calls of lists them (``calls``): the runtime refuses the others."""
    entries = []
    for name in sorted(function.iomod_names, key=lambda n: sources[n].manifest.coordinates):
        manifest = sources[name].manifest
        entry: dict[str, object] = {"coordinates": manifest.coordinates,
                                    "version": manifest.version, "name": name}  # fmt: skip
        calls = function.calls_of(name)
        if calls is not None:
            entry["calls"] = sorted(calls)
        entries.append(entry)
    if not entries:
        return None
    return json.dumps({"iomods": entries}, indent=2, sort_keys=True) + "\n"


def call_problems(service: Service, manifests: Mapping[str, IomodManifest]) -> list[Problem]:
    """Calls named in functions' ``iomods`` ("table.get_item") that their IOmod does not have
    (``manifests``: each dependency's, by its name in the service)."""
    file = f"{SERVICES_DIR}/{service.name}/{SERVICE_FILE}"
    found = []
    for function_name, function in sorted(service.manifest.functions.items()):
        for index, use in enumerate(function.iomods):
            iomod, dot, call = use.partition(".")
            manifest = manifests.get(iomod)
            if not dot or manifest is None or call in manifest.calls:
                continue
            offered = ", ".join(f"{iomod}.{c}" for c in sorted(manifest.calls)) or "none"
            found.append(Problem(
                file, service.written_key(("functions", function_name, "iomods", index)),
                f'IOmod {iomod} ({manifest.coordinates}) has no call "{call}"; its calls:'
                f" {offered}", Severity.ERROR,
            ))  # fmt: skip
    return found


def lay_out(service_build_dir: Path, sources: Mapping[str, IomodSource]) -> Path | None:
    """Replace ``<service build>/_iomods`` with the service's IOmods; None if it has none."""
    final = service_build_dir / IOMODS_DIR
    if not sources:
        shutil.rmtree(final, ignore_errors=True)
        return None
    with replaced_directory(final) as staging:
        for source in sorted(sources.values(), key=lambda s: s.manifest.coordinates):
            directory = staging / source.manifest.coordinates
            directory.mkdir()
            write(source, directory)
    return final
