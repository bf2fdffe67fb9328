"""A missing or unusable toolchain is a clear message that says how to get it."""

from __future__ import annotations

from pathlib import Path

import pytest

from asml.build import engines, toolchains
from asml.errors import ToolchainError
from tests.conftest import RunAsml, write_tree


def test_rustc_without_the_wasm_std_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    toolchains.rustc.cache_clear()
    monkeypatch.setattr(toolchains, "_has_wasm_std", lambda binary: False)
    try:
        with pytest.raises(ToolchainError) as raised:
            toolchains.rustc()
    finally:
        toolchains.rustc.cache_clear()
    assert "`apt-get install rustc libstd-rust-dev-wasm32`" in str(raised.value)
    assert "`rustup target add wasm32-wasip1`" in str(raised.value)


def test_missing_node_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    toolchains.npm.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(ToolchainError, match="`apt-get install nodejs npm`"):
            toolchains.npm()
    finally:
        toolchains.npm.cache_clear()


def test_wasmer_needs_python310(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines.sys, "version_info", (3, 13, 0))
    monkeypatch.setattr(engines.platform, "python_version", lambda: "3.13.0")
    with pytest.raises(ToolchainError) as raised:
        engines.require("wasmer-llvm")
    assert str(raised.value) == (
        'engine "wasmer-llvm" compiles only under CPython 3.10 on x86_64 (wasmer\'s wheels stop'
        f" there), and this is CPython 3.13.0 on {engines.platform.machine()}; run asml with"
        ' python3.10, or use `engine = "wasmtime"`'
    )


def test_a_missing_toolchain_fails_the_build_cleanly(
    run_asml: RunAsml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "assemblylift.toml": '[project]\nname = "p"\nengine = "wasmtime"\nservices = ["s"]\n',
            "services/s/service.toml": '[functions.f]\nlanguage = "rust"\n',
            "services/s/f/Cargo.toml": '[package]\nname = "f"\n',
            "services/s/f/src/lib.rs": "",
        },
    )
    toolchains.rustc.cache_clear()
    monkeypatch.setattr(toolchains, "_has_wasm_std", lambda binary: False)
    try:
        result = run_asml("build")
    finally:
        toolchains.rustc.cache_clear()
    assert result.exit_code == 1
    assert "Rust functions need a rustc with the wasm32-wasi standard library" in result.output
    assert "Traceback" not in result.output
