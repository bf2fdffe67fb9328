"""Dates that decide which engines may still deploy to Lambda.

The wasmer engines need CPython 3.10, so on Lambda they run on the ``python3.10`` managed
runtime, which AWS stopped supporting on 2026-10-31. wasmtime runs on ``python3.12``.
"""

from __future__ import annotations

import os
from datetime import date

from asml.errors import AsmlError

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


def today() -> date:
    """Today, or the date in ``ASML_TODAY`` (YYYY-MM-DD) to reproduce a check on another day."""
    pinned = os.environ.get("ASML_TODAY")
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise AsmlError(f'ASML_TODAY="{pinned}" is not a date; write it as YYYY-MM-DD') from None
