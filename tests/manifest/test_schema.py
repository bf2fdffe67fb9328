"""The published JSON Schema agrees with the loader on valid manifests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from asml.manifest import assemblylift
from asml.manifest.schema import manifest_schema, render_schema

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

GOLDEN = Path(__file__).parent / "golden"
VALID_NATIVE = ["valid-full", "http-warnings", "python310-eol"]


def test_schema_is_valid_json_schema() -> None:
    for kind in ("project", "service"):
        schema = manifest_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", ["project", "service"])
def test_schema_text_is_stable(kind: str) -> None:
    # Other processes with other hash seeds (set and dict order) print the very same text.
    texts = {
        subprocess.run(
            [sys.executable, "-c", f"from asml.manifest.schema import render_schema;"
             f" print(render_schema({kind!r}), end='')"],
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert texts == {render_schema(kind)}
    assert json.loads(render_schema("project"))["title"].startswith("asml project manifest")


def test_fields_carry_their_documentation() -> None:
    function = manifest_schema("service")["$defs"]["Function"]["properties"]
    assert function["memory_mb"]["minimum"] == 128
    assert function["memory_mb"]["maximum"] == 10240
    assert "Lambda memory" in function["memory_mb"]["description"]
    assert function["language"]["enum"] == [
        "c", "cpp", "zig", "rust", "assemblyscript", "wat", "wasm"
    ]  # fmt: skip


@pytest.mark.parametrize("case", VALID_NATIVE)
def test_valid_manifests_satisfy_the_schema(case: str) -> None:
    root = GOLDEN / case / "project"
    project = tomllib.loads((root / "assemblylift.toml").read_text())
    jsonschema.validate(project, manifest_schema("project"))
    for service in sorted(root.glob("services/*/service.toml")):
        jsonschema.validate(tomllib.loads(service.read_text()), manifest_schema("service"))


def test_schema_rejects_what_the_loader_rejects() -> None:
    bad = {"functions": {"create": {"language": "c", "memroy_mb": 1}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, manifest_schema("service"))


@pytest.mark.parametrize(
    "case", sorted(p.parent.name for p in GOLDEN.glob("assemblylift-0.*/project"))
)
def test_assemblylift_manifests_normalise_to_the_schema(case: str) -> None:
    """What asml reads from an AssemblyLift file is asml's own format (as migrate writes it)."""
    root = GOLDEN / case / "project"
    raw, context = assemblylift.normalize_project(
        tomllib.loads((root / "assemblylift.toml").read_text())
    )
    if not raw.errors:
        jsonschema.validate(raw.data, manifest_schema("project"))
    for path in sorted(root.glob("services/*/service.toml")):
        service = assemblylift.ServiceContext(root, path.parent.name, path.parent, context)
        normalized = assemblylift.normalize_service(tomllib.loads(path.read_text()), service)
        if not normalized.errors:
            jsonschema.validate(normalized.data, manifest_schema("service"))
