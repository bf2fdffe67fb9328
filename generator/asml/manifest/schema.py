"""JSON Schema of both manifest files, for editors (taplo / Even Better TOML) and CI."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel

from asml.manifest.model import ProjectManifest, ServiceManifest

SchemaKind = Literal["project", "service"]

SCHEMA_FILES: dict[SchemaKind, str] = {
    "project": "assemblylift.schema.json",
    "service": "service.schema.json",
}
_MODELS: dict[SchemaKind, type[BaseModel]] = {
    "project": ProjectManifest,
    "service": ServiceManifest,
}
_TITLES: dict[SchemaKind, str] = {
    "project": "asml project manifest (assemblylift.toml)",
    "service": "asml service manifest (services/<service>/service.toml)",
}


def manifest_schema(kind: SchemaKind) -> dict[str, Any]:
    schema = _MODELS[kind].model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": _TITLES[kind],
    }


def render_schema(kind: SchemaKind) -> str:
    """Stable text: the same asml always prints the same bytes."""
    return json.dumps(manifest_schema(kind), indent=2, sort_keys=True) + "\n"
