"""The AWS Lambda entry point: ``handler = "asml_runtime.lambda_handler.handler"``.

The runtime layer puts this package on the function's path; the function's own zip holds only
``module.bin`` (or ``module.wasm``) and its record ``module.json``, at ``LAMBDA_TASK_ROOT``.

Importing this module is Lambda's init phase: the artifact is verified and deserialized then,
once per execution environment, and a bad artifact fails the init with the reason instead of
crashing. Each event is serialised to JSON, handed to the guest, and its answer returned;
a trap or a reported failure raises, so Lambda returns an error at once (errorType
GuestTrap, GuestFailure, AbiViolation or GuestTimeout) instead of waiting for the timeout.
A guest that runs too long is stopped before Lambda's timeout: by wasmtime itself, or for
wasmer (which cannot be interrupted) by the watchdog process in :mod:`asml_runtime.deadline`.
"""

from __future__ import annotations

import json
import os
import sys
import time

from asml_runtime import deadline, logs
from asml_runtime.artifact import read_record
from asml_runtime.errors import LoadError, RuntimeFailure
from asml_runtime.function import Function, guest_memory_limit
from asml_runtime.iomods import load_iomods

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Stop the guest this long before Lambda would, so the error can still be reported.
DEADLINE_MARGIN_S = 0.05


def memory_limit() -> int | None:
    """Bytes the guest may use: the function's memory less the runtime's own share."""
    size = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    if not size or not size.isdigit():
        return None
    return guest_memory_limit(int(size))


def _root() -> str:
    return os.environ.get("ASML_FUNCTION_DIR") or os.environ.get("LAMBDA_TASK_ROOT", ".")


def _watchdog() -> deadline.Watchdog | None:
    """For wasmer guests on Lambda: started first, as it forks, before IOmods start threads."""
    try:
        record = read_record(_root())
    except LoadError:
        return None  # _load reports it
    if record.engine.package != "wasmer":
        return None  # wasmtime stops its own guests
    return deadline.start_if_on_lambda(record.function)


def _load() -> Function:
    root = _root()
    try:
        # IOmods first: their processes start while the artifact is verified and loaded.
        iomods = load_iomods(root)
        function = Function(root, iomods=iomods, memory_limit=memory_limit())
    except LoadError as error:
        logs.logger("asml.runtime").error("cannot load the function in %s: %s", root, error)
        raise
    engine = function.record.engine
    if logs.level() > logs.DEBUG:
        return function
    logs.logger("asml.runtime").debug(
        "%s: asml_runtime from %s, %s %s, CPython %d.%d.%d at %s (prefix %s)", function.name,
        os.path.dirname(__file__), engine.name, engine.version, *sys.version_info[:3],
        sys.executable, sys.prefix,
    )  # fmt: skip
    return function


logs.set_up_on_first_use()
watchdog = _watchdog()
function = _load()


def handler(event: Any, context: Any) -> Any:
    try:
        data = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, but JSON can escape it
        data = json.dumps(event, separators=(",", ":")).encode()
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else None
    timeout = max(0.001, remaining - DEADLINE_MARGIN_S) if remaining is not None else None
    if watchdog is not None and remaining is not None:
        watchdog.arm(context.aws_request_id, int((time.time() + remaining) * 1000))
    try:
        response = function.invoke(data, timeout=timeout)
    except RuntimeFailure as failure:
        logs.logger("asml.runtime").error("%s: %s: %s", function.name, failure.kind, failure)
        raise
    finally:
        if watchdog is not None:
            watchdog.done()
    try:
        return json.loads(response)
    except ValueError:
        return response.decode("utf-8", "replace")
