"""A loaded function: verify once, deserialize once, then run events.

The artifact is verified against its record and deserialized once per process (on Lambda,
once per execution environment, during the init phase). The instance is reused across events
and dropped after any failure; docs/abi.md says why.
"""

from __future__ import annotations

import os
import sys

from asml_runtime import engines, logs
from asml_runtime.abi import Host
from asml_runtime.artifact import read_record, verify
from asml_runtime.errors import AbiViolation, GuestFailure, GuestTrap, RuntimeFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from asml_runtime.engines import Instance
    from asml_runtime.iomods import IomodClient


def installed_version(package: str) -> str | None:
    """An engine package's version, from the name of its ``.dist-info`` folder.

    importlib.metadata would add ~14 ms to every cold start (it imports the email package).
    """
    for entry in sys.path:  # as the import system would find it: the first entry that has it
        folder = os.path.join(entry or ".", package)
        if not os.path.isdir(folder) and not os.path.isfile(f"{folder}.py"):
            continue
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.startswith(f"{package}-") and name.endswith(".dist-info"):
                return name[len(package) + 1 : -len(".dist-info")]
        return None
    return None


# Lambda counts the Python process and the runtime against the function's memory too.
RUNTIME_SHARE_MB = 48


def guest_memory_limit(function_memory_mb: int) -> int:
    """Bytes the guest may use: the function's memory less the runtime's own share."""
    return max(16, function_memory_mb - RUNTIME_SHARE_MB) << 20


class Function:
    def __init__(
        self,
        directory: Path | str,
        *,
        iomods: IomodClient | None = None,
        memory_limit: int | None = None,
    ) -> None:
        probe = read_record(directory)
        record, data = verify(
            directory,
            record=probe,
            engine_package=probe.engine.package,
            engine_version=installed_version(probe.engine.package) or "not installed",
            architecture=engines.host_architecture(),
        )
        self.record = record
        self.name = record.function
        self.host = Host(record.function, iomods)
        self.module = engines.load(record, data, self.host, memory_limit=memory_limit)
        self._instance: Instance | None = None

    def invoke(self, event: bytes, *, timeout: float | None = None) -> bytes:
        """Run one event; the guest's response, or a :class:`RuntimeFailure`."""
        invocation = self.host.begin()
        instance = self._instance or self.module.instantiate()
        self._instance = None
        try:
            status = instance.call(event, timeout)
        except RuntimeFailure as failure:
            if isinstance(failure, GuestTrap) and failure.backtrace:
                logs.logger("asml.runtime").error(
                    "%s: %s\nguest backtrace:\n%s", self.name, failure, failure.backtrace
                )
            raise
        finally:
            self.host.iomods.reset()  # calls the guest did not wait for are still sent
        if invocation.failure is not None:
            raise GuestFailure(invocation.failure)
        if status != 0:
            raise GuestFailure(f"the handler returned {status} without a failure message")
        if invocation.response is None:
            raise AbiViolation("the handler returned 0 without calling asml.success")
        self._instance = instance
        return invocation.response
