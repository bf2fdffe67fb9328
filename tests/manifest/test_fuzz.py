"""Whatever TOML a user writes, loading ends in a project or a ManifestError, nothing else."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asml.errors import ManifestError
from asml.manifest import load_project

# Keys the manifests know, so generated documents reach deep into the models.
KNOWN_KEYS = [
    "manifest_version", "project", "name", "region", "engine", "architecture", "services",
    "terraform", "backend", "state_bucket", "lock_table", "local", "endpoint", "stages",
    "target", "environment", "service", "http", "cors", "domain", "functions", "language",
    "source", "handler", "verb", "path", "authorizer", "timeout_seconds", "memory_mb",
    "precompile", "iomods", "permissions", "actions", "resources", "authorizers", "type",
    "issuer", "audience", "scopes", "coordinates", "version", "api", "iomod", "dependencies",
    "size_mb", "handler_name", "auth_type", "id", "from", "orders", "create", "x86_64",
]  # fmt: skip
KNOWN_VALUES = [
    "c", "wasm", "wasmtime", "wasmer-llvm", "arm64", "GET", "/a/{id}", "/{proxy+}", "JWT",
    "AWS_IAM", "akkoro.std.http", "orders", "create", "s3", "local", "us-east-1", "arn:aws:x",
    "https://issuer/", "..", "/", "ASML_X", "AWS_REGION",
]  # fmt: skip

keys = st.sampled_from(KNOWN_KEYS) | st.text(min_size=1, max_size=8)
scalars = (
    st.sampled_from(KNOWN_VALUES)
    | st.text(max_size=12)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.dates()
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=6)


def _load(project: bytes, service: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "assemblylift.toml").write_bytes(project)
        for name in ("orders", "create"):
            (root / "services" / name / "create").mkdir(parents=True)
            (root / "services" / name / "service.toml").write_bytes(service)
        try:
            load_project(root, today=date(2026, 11, 23))
        except ManifestError as error:
            assert error.problems


def _dump(document: dict[str, Any]) -> bytes:
    return tomlkit.dumps(document).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, documents)
def test_arbitrary_documents(project: dict[str, Any], service: dict[str, Any]) -> None:
    _load(_dump(project), _dump(service))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=4), documents)
def test_documents_with_a_valid_project(extra: dict[str, Any], service: dict[str, Any]) -> None:
    project = {"project": {"name": "shop", "services": ["orders", "create"], **extra}}
    _load(_dump(project), _dump({"functions": {"create": service}}))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.text(max_size=200))
def test_arbitrary_bytes(project: bytes, service: str) -> None:
    _load(project, service.encode("utf-8", errors="surrogatepass"))
