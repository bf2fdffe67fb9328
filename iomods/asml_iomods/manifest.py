"""``iomod.json``: what the runtime needs to start an IOmod, and what the generator needs to
grant it permissions. ``asml pack iomod`` and ``asml build`` write it; the runtime reads it.

Standard-library only: the runtime reads it during a Lambda cold start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asml_iomods import protocol

MANIFEST_FILE = "iomod.json"
# What `asml pack iomod` writes: the manifest and the IOmod's files, zipped.
PACKED_SUFFIX = ".iomod.zip"
# The source manifest a user writes in an IOmod's folder.
SOURCE_FILE = "iomod.toml"
# In ``command``, this word stands for the interpreter that runs the runtime: on Lambda the
# function's own Python, locally the project's virtualenv.
PYTHON = "python"


class ManifestError(Exception):
    pass


@dataclass(frozen=True)
class CallInfo:
    actions: tuple[str, ...] = ()  # IAM actions the call needs, e.g. "dynamodb:PutItem"
    description: str = ""
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"actions": list(self.actions)}
        if self.description:
            data["description"] = self.description
        if self.input_schema is not None:
            data["input"] = self.input_schema
        if self.output_schema is not None:
            data["output"] = self.output_schema
        return data


@dataclass(frozen=True)
class IomodManifest:
    coordinates: str
    version: str
    command: tuple[str, ...]
    calls: dict[str, CallInfo] = field(default_factory=dict)
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": protocol.PROTOCOL_VERSION,
            "coordinates": self.coordinates,
            "version": self.version,
            "description": self.description,
            "command": list(self.command),
            "calls": {name: self.calls[name].to_json() for name in sorted(self.calls)},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(sorted({action for call in self.calls.values() for action in call.actions}))


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where}: `{key}` must be a non-empty string")
    return value


def _call(name: str, data: Any, where: str) -> CallInfo:
    if not protocol.CALL_NAME.match(name):
        raise ManifestError(f"{where}: call name {name!r} must be lower_snake_case")
    if not isinstance(data, dict):
        raise ManifestError(f"{where}: `calls.{name}` must be a table")
    actions = data.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, str) and a for a in actions):
        raise ManifestError(f"{where}: `calls.{name}.actions` must be a list of IAM actions")
    return CallInfo(
        actions=tuple(actions),
        description=str(data.get("description", "")),
        input_schema=data.get("input"),
        output_schema=data.get("output"),
    )


def parse(data: Any, where: str) -> IomodManifest:
    """Check and read a manifest's data; ``where`` names its file in errors."""
    if not isinstance(data, dict):
        raise ManifestError(f"{where}: expected an object")
    coordinates = _text(data, "coordinates", where)
    if not protocol.COORDINATES.match(coordinates):
        raise ManifestError(
            f"{where}: `coordinates` {coordinates!r} must look like org.namespace.name"
            " (lowercase, three parts)"
        )
    version = _text(data, "version", where)
    if not protocol.VERSION.match(version):
        raise ManifestError(f"{where}: `version` {version!r} must be a version like 0.1.0")
    command = data.get("command")
    if (
        not isinstance(command, list)
        or not command
        or not all(isinstance(part, str) and part for part in command)
    ):
        raise ManifestError(
            f'{where}: `command` must be a non-empty list of strings, e.g. ["python", "main.py"]'
        )
    calls = data.get("calls", {})
    if not isinstance(calls, dict):
        raise ManifestError(f"{where}: `calls` must be a table of call names")
    return IomodManifest(
        coordinates=coordinates,
        version=version,
        command=tuple(command),
        calls={name: _call(name, value, where) for name, value in calls.items()},
        description=str(data.get("description", "")),
    )


def read(directory: Path) -> IomodManifest:
    path = directory / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: missing; build the IOmod with `asml pack iomod`") from None
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path}: cannot read it: {error}") from None
    return parse(data, str(path))
