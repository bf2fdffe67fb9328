"""A loaded, validated project: the manifests plus where each file lives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from asml.manifest import vocabulary as v
from asml.manifest.model import Function, ProjectManifest, ServiceManifest
from asml.manifest.problems import KeyPath, Problem

PROJECT_FILE = "assemblylift.toml"
SERVICE_FILE = "service.toml"
SERVICES_DIR = "services"


def service_manifest_path(root: Path, service: str) -> Path:
    return root / SERVICES_DIR / service / SERVICE_FILE


@dataclass(frozen=True)
class Service:
    name: str
    directory: Path
    manifest: ServiceManifest
    # where keys in asml's shape were written, for a file in AssemblyLift's (native -> written)
    origins: Mapping[KeyPath, KeyPath] = field(default_factory=dict, compare=False, repr=False)

    def written_key(self, path: KeyPath) -> KeyPath:
        """A key path in asml's shape as the user wrote it (``iomods.http`` may have been
        ``iomod.dependencies[0]``), so that problems found later point at the file's text."""
        for cut in range(len(path), 0, -1):
            origin = self.origins.get(path[:cut])
            if origin is not None:
                return origin + path[cut:]
        return path

    def source_of(self, function_name: str) -> Path:
        """Where a function's source lives: its ``source``, or a directory named after it."""
        function = self.manifest.functions[function_name]
        return self.directory / (function.source or function_name)


@dataclass(frozen=True)
class Project:
    root: Path
    manifest: ProjectManifest
    services: tuple[Service, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.manifest.project.name

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    def engine_of(self, function: Function) -> v.Engine:
        return function.engine or self.manifest.project.engine

    def architecture_of(self, function: Function) -> v.Architecture:
        return function.architecture or self.manifest.project.architecture

    def wasmer_runtime_of(self, function: Function) -> v.WasmerRuntime:
        return function.wasmer_runtime or self.manifest.project.wasmer_runtime

    def function_count(self) -> int:
        return sum(len(s.manifest.functions) for s in self.services)
