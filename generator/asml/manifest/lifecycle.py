"""Dates that decide which Lambda runtimes may still be deployed to.

The wasmer engines need CPython 3.10. By default they run on asml's custom runtime
(``provided.al2023``, which carries its own CPython 3.10), which has no such dates; a function
may still choose AWS's managed ``python3.10`` runtime, which AWS stopped supporting on
2026-10-31. wasmtime runs on ``python3.12``.
"""

from __future__ import annotations

import os
from datetime import date

from asml.errors import AsmlError

PYTHON310_END_OF_SUPPORT = date(2026, 10, 31)
PYTHON310_CREATE_BLOCKED = date(2027, 2, 1)
PYTHON310_UPDATE_BLOCKED = date(2027, 3, 3)

WAY_OUT = (
    'remove `wasmer_runtime = "python3.10"` to run on asml\'s custom runtime (provided.al2023,'
    ' supported until 2029), or set `engine = "wasmtime"`'
)


def python310_notice(today: date) -> tuple[bool, str]:
    """(is it an error yet, the message) for a wasmer function deployed to Lambda."""
    history = (
        f"Lambda's python3.10 runtime lost AWS support on {PYTHON310_END_OF_SUPPORT.isoformat()}"
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
