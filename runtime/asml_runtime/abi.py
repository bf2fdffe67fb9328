"""The host side of the guest ABI (docs/abi.md), independent of the engine.

Engine adapters wrap these methods as host functions. Each one receives the guest's memory
through the small :class:`GuestMemory` interface, checks every pointer and length against it,
and raises :class:`AbiViolation` rather than touching memory it should not.
"""

from __future__ import annotations

import time

from asml_runtime import logs
from asml_runtime.errors import AbiViolation
from asml_runtime.iomods import NoIomods
from asml_runtime.undeclared import Refusals

TYPE_CHECKING = False  # typing itself is not imported at cold start
if TYPE_CHECKING:
    from typing import Protocol

    from asml_runtime.iomods import IomodClient

    class GuestMemory(Protocol):
        def size(self) -> int: ...

        def read(self, pointer: int, length: int) -> bytes: ...

        def write(self, pointer: int, data: bytes) -> None: ...


MODULE = "asml"
ALLOC_EXPORT = "asml_alloc"
INITIALIZE_EXPORT = "_initialize"

LOG_LEVELS = {0: logs.DEBUG, 1: logs.INFO, 2: logs.WARNING, 3: logs.ERROR}

# iomod_poll / iomod_wait results
PENDING, DONE, FAILED, UNKNOWN = 0, 1, 2, -1


def check_range(memory: GuestMemory, what: str, pointer: int, length: int) -> None:
    size = memory.size()
    if pointer < 0 or length < 0 or pointer + length > size:
        raise AbiViolation(
            f"{what}: the range [{pointer}, {pointer + length}) is outside the guest's"
            f" {size}-byte memory"
        )


class Invocation:
    """What the guest reported during one event."""

    __slots__ = ("failure", "response")

    def __init__(self) -> None:
        self.response: bytes | None = None
        self.failure: str | None = None

    @property
    def reported(self) -> bool:
        return self.response is not None or self.failure is not None


class Host:
    """The ``asml`` imports. One per loaded function; ``begin`` starts each event."""

    def __init__(self, function: str, iomods: IomodClient | None = None) -> None:
        self.function = function
        self.iomods = iomods or NoIomods()
        self.refusals = Refusals(function)
        self.current = Invocation()

    def begin(self) -> Invocation:
        self.current = Invocation()
        self.refusals.reset()
        return self.current

    def _report(self, what: str) -> None:
        if self.current.reported:
            raise AbiViolation(f"asml.{what}: the event already reported its result")

    def success(self, memory: GuestMemory, pointer: int, length: int) -> None:
        self._report("success")
        check_range(memory, "asml.success", pointer, length)
        self.current.response = memory.read(pointer, length)

    def failure(self, memory: GuestMemory, pointer: int, length: int) -> None:
        self._report("failure")
        check_range(memory, "asml.failure", pointer, length)
        self.current.failure = memory.read(pointer, length).decode("utf-8", "replace")

    def log(self, memory: GuestMemory, level: int, pointer: int, length: int) -> None:
        check_range(memory, "asml.log", pointer, length)
        text = memory.read(pointer, length).decode("utf-8", "replace")
        logs.logger("asml.guest").log(
            LOG_LEVELS.get(level, logs.INFO), "%s: %s", self.function, text
        )

    @staticmethod
    def clock_ms() -> int:
        return time.time_ns() // 1_000_000

    def iomod_invoke(
        self, memory: GuestMemory, call: int, call_length: int, data: int, data_length: int
    ) -> int:
        check_range(memory, "asml.iomod_invoke call", call, call_length)
        check_range(memory, "asml.iomod_invoke input", data, data_length)
        try:
            name = memory.read(call, call_length).decode("utf-8")
        except UnicodeDecodeError:
            raise AbiViolation("asml.iomod_invoke: the call name is not UTF-8") from None
        identifier = self.iomods.invoke(name, memory.read(data, data_length))
        if identifier == -1:  # not this function's to make: an error it can read
            declared: frozenset[str] = getattr(self.iomods, "allowed", frozenset())
            return self.refusals.refuse(name, declared, getattr(self.iomods, "restricted", {}))
        return identifier

    def iomod_poll(self, identifier: int) -> int:
        if self.refusals.result(identifier) is not None:
            return FAILED
        return self.iomods.poll(identifier)

    def iomod_wait(self, identifier: int, timeout_ms: int) -> int:
        if self.refusals.result(identifier) is not None:
            return FAILED
        return self.iomods.wait(identifier, max(0, timeout_ms) / 1000)

    def iomod_result_len(self, identifier: int) -> int:
        result = self.refusals.result(identifier) or self.iomods.result(identifier)
        return -1 if result is None else len(result)

    def iomod_read(self, memory: GuestMemory, identifier: int, pointer: int) -> int:
        refused = self.refusals.result(identifier)
        result = refused or self.iomods.result(identifier)
        if result is None:
            return -1
        check_range(memory, "asml.iomod_read", pointer, len(result))
        memory.write(pointer, result)
        if refused is not None:
            self.refusals.forget(identifier)
        else:
            self.iomods.forget(identifier)
        return len(result)
