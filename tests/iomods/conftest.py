"""IOmod test fixtures: a moto server on 127.0.0.1, and a built project whose ``relay``
guest makes whatever IOmod calls an event lists (see project/services/io/relay/main.c)."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asml.build.pipeline import BUILD_DIR, Builder
from asml.iomods.service import IOMODS_DIR
from asml.manifest import load_project
from asml_runtime.function import Function
from asml_runtime.iomod_host import IomodCalls
from asml_runtime.iomods import load_iomods
from tests.local_aws import reset
from tests.runtime.conftest import AVAILABLE_ENGINES

PROJECT = Path(__file__).parent / "project"
RELAY_IOMODS = ["dynamodb", "s3", "secrets", "http", "crypto", "echo", "sleepy"]


@pytest.fixture
def aws(moto: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This process and the IOmods it starts talk to moto; moto is reset afterwards."""
    for key, value in {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield moto
    reset(moto)


@pytest.fixture(scope="session")
def relay_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project, with a ``relay-<engine>`` per engine, a ``plain`` function that
    declares no IOmods and a ``narrow`` one that names one call; built. Returns the root."""
    root = tmp_path_factory.mktemp("iomods") / "project"
    shutil.copytree(PROJECT, root)
    service = root / "services" / "io" / "service.toml"
    blocks = [
        f'\n[functions.relay-{engine}]\nlanguage = "c"\nsource = "relay"\nengine = "{engine}"\n'
        f"iomods = {json.dumps(RELAY_IOMODS)}\n"
        for engine in AVAILABLE_ENGINES
    ]
    if "wasmer-llvm" in AVAILABLE_ENGINES:  # and on Lambda's managed python3.10 too
        blocks.append(
            '\n[functions.relay-python310]\nlanguage = "c"\nsource = "relay"\n'
            f'engine = "wasmer-llvm"\nwasmer_runtime = "python3.10"\n'
            f"iomods = {json.dumps(RELAY_IOMODS)}\n"
        )
    blocks.append('\n[functions.plain]\nlanguage = "c"\nsource = "relay"\nengine = "wasmtime"\n')
    # names one call of one IOmod only: the runtime refuses its other calls
    blocks.append('\n[functions.narrow]\nlanguage = "c"\nsource = "relay"\nengine = "wasmtime"\n'
                  'iomods = ["crypto.uuid4"]\n')  # fmt: skip
    with service.open("a", encoding="utf-8") as handle:
        handle.write("".join(blocks))
    Builder(load_project(root)).build()
    return root


def service_build(project: Path) -> Path:
    return project / BUILD_DIR / "io"


@pytest.fixture
def iomod_path(relay_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = service_build(relay_project) / IOMODS_DIR
    monkeypatch.setenv("ASML_IOMOD_PATH", str(path))
    return path


def engine_of(project: Path) -> str:
    """The best engine the project was built for here."""
    build = service_build(project)
    return "wasmer-llvm" if (build / "relay-wasmer-llvm").is_dir() else "wasmtime"


class Relay:
    """A loaded relay function with its IOmods running; ``call`` runs one event."""

    def __init__(self, directory: Path) -> None:
        iomods = load_iomods(directory)
        assert isinstance(iomods, IomodCalls)
        self.iomods = iomods
        self.function = Function(directory, iomods=iomods)

    def run(self, calls: list[tuple[str, Any]]) -> list[dict[str, Any]]:
        event = json.dumps([[name, value] for name, value in calls]).encode()
        answer: list[dict[str, Any]] = json.loads(self.function.invoke(event))
        return answer

    def call(self, name: str, value: Any) -> dict[str, Any]:
        return self.run([(name, value)])[0]

    def ok(self, name: str, value: Any) -> Any:
        answer = self.call(name, value)
        assert "ok" in answer, answer
        return answer["ok"]

    def close(self) -> None:
        self.iomods.host.close()


@pytest.fixture
def relay(relay_project: Path, iomod_path: Path) -> Iterator[Any]:
    """``relay(engine)``: a :class:`Relay` for that engine's function, closed afterwards."""
    opened: list[Relay] = []

    def open_relay(engine: str, name: str | None = None) -> Relay:
        loaded = Relay(service_build(relay_project) / (name or f"relay-{engine}"))
        opened.append(loaded)
        return loaded

    yield open_relay
    for loaded in opened:
        with contextlib.suppress(Exception):
            loaded.close()
