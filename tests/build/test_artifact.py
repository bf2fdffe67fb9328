"""The artifact record: a corrupt, truncated or foreign artifact never reaches an engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asml.build.pipeline import Builder
from asml.manifest import load_project
from asml_runtime import artifact
from asml_runtime.artifact import ArtifactError, verify
from tests.build.runner import run_artifact, wat_guest
from tests.conftest import write_tree

WAT = wat_guest("fine")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = write_tree(
        tmp_path,
        {
            "assemblylift.toml": '[project]\nname = "p"\nengine = "wasmtime"\nservices = ["s"]\n',
            "services/s/service.toml": '[functions.f]\nlanguage = "wat"\n',
            "services/s/f/main.wat": WAT,
        },
    )
    Builder(load_project(root)).build()
    return root / ".asml/build/s/f"


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to deserialize a module."""
    import wasmtime

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an engine was handed an artifact that failed verification")

    monkeypatch.setattr(wasmtime.Module, "deserialize", refuse)


def test_a_good_artifact_verifies_and_runs(built: Path) -> None:
    record, data = verify(built, engine_package="wasmtime", architecture="x86_64")
    assert record.function == "s.f"
    assert len(data) == record.artifact.size
    assert run_artifact(built) == b"fine"


def test_flipped_bits_are_rejected(built: Path, no_engine: None) -> None:
    module = built / "module.bin"
    data = bytearray(module.read_bytes())
    data[len(data) // 2] ^= 0x40
    module.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="its SHA-256 does not match the record"):
        run_artifact(built)


def test_a_truncated_artifact_is_rejected(built: Path, no_engine: None) -> None:
    module = built / "module.bin"
    module.write_bytes(module.read_bytes()[:100])
    with pytest.raises(
        ArtifactError, match=r"100 bytes, the record says .*: the artifact is truncated"
    ):
        run_artifact(built)


def test_a_missing_artifact_is_rejected(built: Path) -> None:
    (built / "module.bin").unlink()
    with pytest.raises(ArtifactError, match="cannot read the artifact"):
        verify(built)


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        (
            "engine_package",
            "wasmer",
            "built for engine package wasmtime, but this runtime has wasmer",
        ),
        ("engine_version", "1.0.0", "built for engine version .*, but this runtime has 1.0.0"),
        ("architecture", "arm64", "built for architecture x86_64, but this runtime has arm64"),
    ],
)
def test_a_foreign_artifact_is_rejected(
    built: Path, keyword: str, value: str, message: str
) -> None:
    with pytest.raises(ArtifactError, match=message):
        verify(built, **{keyword: value})  # type: ignore[arg-type]


def test_records_from_another_abi_or_format_are_rejected(built: Path) -> None:
    path = built / "module.json"
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "abi_version": artifact.ABI_VERSION + 1}))
    with pytest.raises(ArtifactError, match="built for guest ABI 2, this runtime speaks 1"):
        verify(built)
    path.write_text(json.dumps({**record, "record_format": 99}))
    with pytest.raises(ArtifactError, match="record format 99, this runtime reads 1"):
        verify(built)
    path.write_text("{ not json")
    with pytest.raises(ArtifactError, match="the artifact record is malformed"):
        verify(built)


def test_the_record_is_stable_text(built: Path) -> None:
    text = (built / "module.json").read_text()
    assert artifact.ArtifactRecord.from_json(text).to_json() == text
    assert '"timestamp"' not in text
