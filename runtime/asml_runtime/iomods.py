"""The runtime's side of IOmod calls, as the guest ABI sees them.

:class:`NoIomods` serves functions that declare no IOmods: every call is refused with -1.
The IOmod client that talks to real IOmod processes implements the same interface.
"""

from __future__ import annotations

from typing import Protocol


class IomodClient(Protocol):
    def invoke(self, call: str, data: bytes) -> int:
        """Start a call; its id (> 0), or -1 if this function may not make it."""
        ...

    def poll(self, identifier: int) -> int:
        """0 running, 1 result, 2 error, -1 unknown."""
        ...

    def wait(self, identifier: int, timeout: float) -> int:
        """Block up to ``timeout`` seconds: 1 result, 2 error, 0 still running, -1 unknown."""
        ...

    def result(self, identifier: int) -> bytes | None:
        """The result or error text of a finished call, else None."""
        ...

    def forget(self, identifier: int) -> None: ...


class NoIomods:
    def invoke(self, call: str, data: bytes) -> int:
        return -1

    def poll(self, identifier: int) -> int:
        return -1

    def wait(self, identifier: int, timeout: float) -> int:
        return -1

    def result(self, identifier: int) -> bytes | None:
        return None

    def forget(self, identifier: int) -> None:
        pass
