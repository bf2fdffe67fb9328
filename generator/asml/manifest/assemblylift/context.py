"""What a service file is read against: the project file said things about each service."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from asml.manifest.assemblylift.normalized import Table
from asml.manifest.problems import KeyPath


@dataclass(frozen=True)
class ProjectContext:
    """What ``assemblylift.toml`` tells the reader of a service file."""

    name: str | None = None
    region: str | None = None  # the project's region, when it is known
    # [[domains]]: the Route 53 zone's name -> map_to_root (the project's name left out)
    zones: dict[str, bool] = field(default_factory=dict)
    # 0.4-beta [[services]]: service -> (domain_name, is_root)
    service_domains: dict[str, tuple[str, bool]] = field(default_factory=dict)
    # 0.4-beta [[authorizers]], at the project's root, by id
    authorizers: dict[str, Table] = field(default_factory=dict)
    # where assemblylift.toml writes each of those: "domain:<service>" or "authorizer:<id>"
    # -> its key path there
    written_at: dict[str, KeyPath] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceContext:
    root: Path
    service: str
    directory: Path
    project: ProjectContext = field(default_factory=ProjectContext)
