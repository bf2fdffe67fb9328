"""The IOmod end of the protocol: connect to the runtime's registry, register, serve calls.

Several IOmods may share one process and one connection (each registers separately).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from asml_iomods import protocol
from asml_iomods.errors import IomodError

if TYPE_CHECKING:
    from asml_iomods.sdk import Iomod


def _capability(iomod: Iomod) -> Any:
    schema = protocol.schema()

    class Capability(schema.Iomod.Server):  # type: ignore[misc, name-defined]
        async def invoke(self, call: str, input: bytes, _context: Any, **_: Any) -> None:
            outcome = _context.results.outcome
            try:
                outcome.ok = await iomod.invoke(call, bytes(input))
            except IomodError as error:
                failed = outcome.init("failed")
                failed.code = error.code
                failed.message = error.message

    return Capability()


async def _serve(iomods: Sequence[Iomod], address: str) -> int:
    import capnp  # type: ignore[import-untyped]

    schema = protocol.schema()
    async with capnp.kj_loop():
        try:
            stream = await capnp.AsyncIoStream.create_unix_connection(address)
        except OSError as error:
            print(f"cannot reach the asml runtime at {address}: {error}", file=sys.stderr)
            return 1
        client = capnp.TwoPartyClient(stream)
        registry = client.bootstrap().cast_as(schema.Registry)
        for iomod in iomods:
            try:
                await registry.register(
                    iomod.coordinates, iomod.version, sorted(iomod.calls), _capability(iomod)
                )
            except capnp.KjException as error:
                print(f"{iomod.coordinates}: the runtime refused it: {error}", file=sys.stderr)
                return 1
        with contextlib.suppress(capnp.KjException):  # the runtime went away: so do we
            await client.on_disconnect()
    return 0


def serve(iomods: Sequence[Iomod], address: str) -> int:
    """Serve until the runtime disconnects; the process exit code."""
    return asyncio.run(_serve(iomods, address))
