"""Dates that decide which engines may still deploy to Lambda.

The wasmer engines need CPython 3.10, so on Lambda they run on the ``python3.10`` managed
runtime, which AWS stopped supporting on 2026-10-31. wasmtime runs on ``python3.12``.
"""

from __future__ import annotations

from datetime import date

PYTHON310_END_OF_SUPPORT = date(2026, 10, 31)
PYTHON310_CREATE_BLOCKED = date(2027, 2, 1)
PYTHON310_UPDATE_BLOCKED = date(2027, 3, 3)

WAY_OUT = 'set `engine = "wasmtime"` (it runs on python3.12, on x86_64 and arm64)'


def python310_notice(today: date) -> tuple[bool, str]:
    """(is it an error yet, the message) for a wasmer function deployed to Lambda."""
    history = (
        "Lambda's python3.10 runtime, which wasmer engines need, lost AWS support on"
        f" {PYTHON310_END_OF_SUPPORT.isoformat()}"
    )
    if today >= PYTHON310_CREATE_BLOCKED:
        return True, (
            f"{history}; since {PYTHON310_CREATE_BLOCKED.isoformat()} AWS refuses new python3.10"
            f" functions (updates stop on {PYTHON310_UPDATE_BLOCKED.isoformat()}); {WAY_OUT}"
        )
    return False, (
        f"{history}; AWS blocks creating python3.10 functions from"
        f" {PYTHON310_CREATE_BLOCKED.isoformat()} and updating them from"
        f" {PYTHON310_UPDATE_BLOCKED.isoformat()}; to move on, {WAY_OUT}"
    )
