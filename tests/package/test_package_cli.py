"""`asml package`: function zips and the runtime layer, built as for Lambda."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest

from asml.package.lambda_platform import PYTHON312
from asml.package.runtime_layer import LayerSpec, build_runtime_layer
from tests.conftest import RunAsml


@pytest.mark.wasmer
def test_package_writes_zips_and_the_layers(tmp_path: Path, run_asml: RunAsml) -> None:
    assert run_asml("init", "shop", "--lang", "wat").exit_code == 0
    root = tmp_path / "shop"
    result = run_asml("package", cwd=root)
    assert result.exit_code == 0, result.output
    out = root / ".asml/package"
    with zipfile.ZipFile(out / "functions/api/hello.zip") as archive:
        assert archive.namelist() == ["module.bin", "module.json"]
    # wasmer on the custom runtime: the interpreter layer and the runtime layer
    assert sorted(p.name for p in (out / "layers").iterdir()) == [
        "asml-python3.10-x86_64.zip",
        "asml-runtime-wasmer-1.1.0-provided_al2023-x86_64.zip",
    ]
    with zipfile.ZipFile(out / "layers/asml-runtime-wasmer-1.1.0-provided_al2023-x86_64.zip") as z:
        names = z.namelist()
        bootstrap = z.getinfo("bootstrap")
    assert (bootstrap.external_attr >> 16) & 0o777 == 0o755, "Lambda runs it: it must be executable"
    assert "python/asml_runtime/lambda_handler.py" in names
    assert "python/wasmer/wasmer.cpython-310-x86_64-linux-gnu.so" in names
    assert "python/awslambdaric/bootstrap.py" in names  # a custom runtime brings its own client
    assert not any("compiler" in n or n.endswith(".pyc") for n in names), "headless, no bytecode"
    assert "wrote 1 function zip and 2 layers to" in result.output
    assert "layers/asml-python3.10-x86_64.zip" in result.output


def test_layers_are_identical_from_any_cache(tmp_path: Path) -> None:
    spec = LayerSpec("wasmtime", importlib.metadata.version("wasmtime"), "arm64", PYTHON312)
    one = build_runtime_layer(spec, tmp_path / "one.zip", tmp_path / "cache-one")
    two = build_runtime_layer(spec, tmp_path / "two.zip", tmp_path / "cache-two")
    assert one.path.read_bytes() == two.path.read_bytes()
    with zipfile.ZipFile(one.path) as archive:
        names = archive.namelist()
    assert any(n.startswith("python/wasmtime/linux-aarch64/") for n in names)
    assert not any("win32" in n or "linux-x86_64" in n for n in names)
