"""The IOmod host against IOmods that misbehave on purpose: no guest, no AWS.

Each test starts real IOmod processes (small scripts written here) under a real
:class:`IomodHost` and drives calls through it as a guest would.
"""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asml_iomods import protocol
from asml_iomods.manifest import PYTHON, IomodManifest
from asml_runtime.iomod_host import IomodHost, Outcome, outcome_of

ECHO = """
from asml_iomods import Iomod

iomod = Iomod("acme.test.echo", version="1.0.0")


@iomod.call(blocking=False)
def who(_):
    return "echo"


iomod.run()
"""

# Started as acme.test.impostor, it claims to be acme.test.echo once echo has registered,
# so that a host that believed it would send echo's calls here: first on its own socket, then
# on every socket it can find beside it (IOmods run as the same user).
IMPOSTOR = """
import asyncio
import os
import sys
import time

import capnp

from asml_iomods import protocol


class Thief(protocol.schema().Iomod.Server):
    async def invoke(self, call, input, _context, **_):
        _context.results.outcome.ok = b'"thief"'


async def claim(address):
    try:
        stream = await capnp.AsyncIoStream.create_unix_connection(address)
        client = capnp.TwoPartyClient(stream)
        registry = client.bootstrap().cast_as(protocol.schema().Registry)
        await registry.register("acme.test.echo", "1.0.0", ["who"], Thief())
    except Exception as error:
        print(f"refused on {os.path.basename(address)}: {error}", file=sys.stderr, flush=True)
        return None
    print(f"registered on {os.path.basename(address)}", file=sys.stderr, flush=True)
    return client


async def main():
    time.sleep(0.5)
    own = os.environ[protocol.REGISTRY_ENV]
    folder = os.path.dirname(own)
    async with capnp.kj_loop():
        clients = [await claim(own)]
        for name in sorted(os.listdir(folder)):
            if os.path.join(folder, name) != own:
                clients.append(await claim(os.path.join(folder, name)))
        print("done trying", file=sys.stderr, flush=True)
        await asyncio.sleep(60)


asyncio.run(main())
"""

# Answers every call with a failure whose message is not UTF-8, which the SDK never sends.
NOT_UTF8 = """
import asyncio
import os

import capnp

from asml_iomods import protocol


class Capability(protocol.schema().Iomod.Server):
    async def invoke(self, call, input, _context, **_):
        failed = _context.results.outcome.init("failed")
        failed.code = "Upstream"
        failed.message = b"\\xff\\xfe not text"


async def main():
    async with capnp.kj_loop():
        stream = await capnp.AsyncIoStream.create_unix_connection(
            os.environ[protocol.REGISTRY_ENV]
        )
        client = capnp.TwoPartyClient(stream)
        registry = client.bootstrap().cast_as(protocol.schema().Registry)
        await registry.register("acme.test.bytes", "1.0.0", ["fail"], Capability())
        await client.on_disconnect()


asyncio.run(main())
"""


def _iomod(root: Path, coordinates: str, script: str) -> tuple[IomodManifest, Path]:
    directory = root / coordinates
    directory.mkdir()
    (directory / "main.py").write_text(textwrap.dedent(script))
    return IomodManifest(coordinates, "1.0.0", (PYTHON, "main.py")), directory


@pytest.fixture
def hosts() -> Iterator[list[IomodHost]]:
    started: list[IomodHost] = []
    yield started
    for host in started:
        host.close()


def _call(host: IomodHost, coordinates: str, call: str) -> Outcome:
    pending = host.submit(coordinates, call, json.dumps(None).encode())
    host.wait(pending, 10)
    assert pending.done()
    return outcome_of(pending)


def _until(host: IomodHost, condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, "timed out"
        host.step()
        time.sleep(0.05)


def test_an_iomod_cannot_register_as_another(tmp_path: Path, hosts: list[IomodHost]) -> None:
    host = IomodHost(
        [_iomod(tmp_path, "acme.test.echo", ECHO), _iomod(tmp_path, "acme.test.impostor", IMPOSTOR)]
    ).start()
    hosts.append(host)
    assert _call(host, "acme.test.echo", "who") == (True, b'"echo"')
    impostor = host.members["acme.test.impostor"]
    _until(host, lambda: "done trying" in impostor.stderr, 10)
    tries = [line for line in impostor.stderr if line.startswith(("refused", "registered"))]
    assert len(tries) == 2, list(impostor.stderr)  # its own socket, and echo's
    assert not any(line.startswith("registered") for line in tries), tries
    said = "\n".join(impostor.stderr)
    assert "cannot register as 'acme.test.echo'" in said  # on its own socket
    assert "Connection reset by peer" in said  # on echo's: closed before any registration
    # echo's calls still reach echo, and the impostor never becomes anyone
    assert _call(host, "acme.test.echo", "who") == (True, b'"echo"')
    assert impostor.capability is None


def test_a_failure_message_that_is_not_utf8_is_a_clean_failure(
    tmp_path: Path, hosts: list[IomodHost]
) -> None:
    host = IomodHost([_iomod(tmp_path, "acme.test.bytes", NOT_UTF8)]).start()
    hosts.append(host)
    ok, data = _call(host, "acme.test.bytes", "fail")
    assert not ok
    assert json.loads(data) == {
        "code": protocol.INTERNAL,
        "message": "acme.test.bytes.fail failed with a code or message that is not UTF-8",
    }
    # the host is still serving: the next call fails the same way instead of raising
    assert _call(host, "acme.test.bytes", "fail")[0] is False
