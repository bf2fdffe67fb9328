"""Helpers for tests that run built artifacts: through the real runtime (verify, load, call)."""

from __future__ import annotations

from pathlib import Path

from asml_runtime.function import Function

# A minimal guest on ABI v1: answers every event with a fixed four-byte body.
GUEST_WAT = """(module
  (import "asml" "success" (func $success (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{body}")
  (global $next (mut i32) (i32.const 1024))
  (func (export "asml_alloc") (param $size i32) (result i32)
    (global.get $next))
  (func (export "handler") (param i32 i32) (result i32)
    (call $success (i32.const 16) (i32.const 4)) (i32.const 0)))
"""


def wat_guest(body: str) -> str:
    """A WAT guest that answers with ``body`` (four ASCII characters)."""
    assert len(body) == 4 and body.isascii()
    return GUEST_WAT.replace("{body}", body)


def run_artifact(directory: Path, event: bytes = b"{}") -> bytes:
    """Verify the artifact against its record, load it with its engine, run one event."""
    return Function(directory).invoke(event, timeout=10.0)
