"""Errors of the runtime. Each becomes a failed invocation with a readable message."""

from __future__ import annotations


class RuntimeFailure(Exception):
    """An event failed. ``kind`` is the Lambda errorType the caller sees."""

    kind = "FunctionError"


class GuestTrap(RuntimeFailure):
    """The guest trapped (unreachable, out-of-bounds access, ...)."""

    kind = "GuestTrap"

    def __init__(self, message: str, backtrace: str = "") -> None:
        super().__init__(message)
        self.backtrace = backtrace


class GuestFailure(RuntimeFailure):
    """The guest reported failure (``asml.failure``, or a non-zero handler result)."""

    kind = "GuestFailure"


class AbiViolation(RuntimeFailure):
    """The guest broke the ABI: a pointer outside its memory, success twice, ..."""

    kind = "AbiViolation"


class GuestTimeout(RuntimeFailure):
    kind = "GuestTimeout"


class LoadError(Exception):
    """The function cannot be loaded at all (a bad artifact, a missing engine)."""
