"""A loaded, validated project: the manifests plus where each file lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asml.manifest import vocabulary as v
from asml.manifest.model import Function, ProjectManifest, ServiceManifest
from asml.manifest.problems import Problem

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
