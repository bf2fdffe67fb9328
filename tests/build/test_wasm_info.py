"""The wasm section reader that checks guests before any engine compiles them."""

from __future__ import annotations

import contextlib

import pytest
import wasmtime
from hypothesis import given
from hypothesis import strategies as st

from asml.build.wasm_info import WasmFormatError, read_wasm_info


def test_imports_and_exports() -> None:
    data = wasmtime.wat2wasm(
        """(module
          (import "asml" "success" (func (param i32 i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
          (import "env" "table" (table 1 funcref))
          (import "env" "g" (global i32))
          (memory (export "memory") 1 2)
          (func (export "handler") (result i32) (i32.const 0))
          (global (export "answer") i32 (i32.const 42)))"""
    )
    info = read_wasm_info(data)
    assert info.imports == (
        ("asml", "success", "func"),
        ("wasi_snapshot_preview1", "fd_write", "func"),
        ("env", "table", "table"),
        ("env", "g", "global"),
    )
    assert info.exports == (("memory", "memory"), ("handler", "func"), ("answer", "global"))
    assert info.exported("handler", "func") and not info.imported_memory()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a WebAssembly module"),
        (b"\x7fELF\x02\x01\x01\x00", "not a WebAssembly module"),
        (b"\0asm\x0d\x00\x01\x00", "a component?"),
        (b"\0asm\x01\x00\x00\x00\x02\x7f", "a section runs past the end"),
    ],
)
def test_garbage_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(WasmFormatError, match=message):
        read_wasm_info(data)


@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_crash_the_reader(tail: bytes) -> None:
    with contextlib.suppress(WasmFormatError):
        read_wasm_info(b"\0asm\x01\x00\x00\x00" + tail)
