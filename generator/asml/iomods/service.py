"""A service's IOmods, resolved and laid out where the runtime finds them.

``asml build`` writes, for each service with IOmods::

    .asml/build/<service>/_iomods/<coordinates>/     iomod.json + the IOmod's files
    .asml/build/<service>/<function>/iomods.json     the IOmods that function may call

Locally the runtime finds IOmods through ``ASML_IOMOD_PATH=.asml/build/<service>/_iomods``;
on Lambda the service's IOmod layer puts the same tree at ``/opt/asml/iomods``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from asml.fsutil import replaced_directory
from asml.iomods.permissions import grant_of, refusal
from asml.iomods.source import IomodSource, IomodSourceError, load, standard, write
from asml.manifest import Project
from asml.manifest.model import Function, IomodDependency
from asml.manifest.project import Service, service_manifest_path

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
        try:
            source = load(service.directory / dependency.path, cache_dir)
        except IomodSourceError as error:
            raise DependencyProblem("path", str(error)) from None
    found = source.manifest
    if found.coordinates != dependency.coordinates:
        raise DependencyProblem(
            "coordinates",
            f"is {dependency.coordinates!r}, but the IOmod at {dependency.path} is"
            f" {found.coordinates!r}; make them agree",
        )
    if dependency.version is not None and dependency.version != found.version:
        raise DependencyProblem(
            "version",
            f"asks for {dependency.version}, but"
            f" {'asml ships' if dependency.path is None else 'the IOmod is'} version"
            f' {found.version}; set `version = "{found.version}"` or remove it',
        )
    grant = grant_of("", dependency, found)
    if grant.refused:
        raise DependencyProblem(None, refusal(grant))
    return source


def function_iomods(function: Function, sources: Mapping[str, IomodSource]) -> str | None:
    """The text of a function's ``iomods.json``, or None when it calls no IOmods."""
    chosen = sorted(
        {(sources[n].manifest.coordinates, sources[n].manifest.version) for n in function.iomods}
    )
    if not chosen:
        return None
    entries = [{"coordinates": c, "version": v} for c, v in chosen]
    return json.dumps({"iomods": entries}, indent=2, sort_keys=True) + "\n"


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
