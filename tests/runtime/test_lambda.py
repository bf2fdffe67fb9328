"""Functions run as on AWS Lambda: the real Runtime Interface Emulator, the official
``awslambdaric`` client, our handler from a built runtime layer, and the function's zip as the
task root. Everything listens on 127.0.0.1 and is stopped by the tests.
"""

from __future__ import annotations

import contextlib
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from asml.build.pipeline import BUILD_DIR, Builder
from asml.manifest import load_project
from asml.package.function_zip import function_zip
from asml.package.project import layer_of
from asml.package.runtime_layer import build_runtime_layer
from asml.scaffold.edit import add_function
from asml.scaffold.languages import hello_body
from asml.scaffold.project import InitOptions, init_project
from tests.conftest import add_engine_variants
from tests.lambda_emulator import Emulator, lambda_emulator
from tests.runtime.conftest import AVAILABLE_ENGINES, ENGINES

SDK_LANGUAGES = ["c", "zig", "rust", "assemblyscript"]

# What API Gateway's HTTP API sends a function (payload format 2.0), trimmed to the usual keys.
HTTP_EVENT = {
    "version": "2.0",
    "routeKey": "GET /hello",
    "rawPath": "/hello",
    "rawQueryString": "name=asml",
    "headers": {"accept": "application/json", "host": "api.example.com"},
    "queryStringParameters": {"name": "asml"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "api-id",
        "domainName": "api.example.com",
        "http": {"method": "GET", "path": "/hello", "protocol": "HTTP/1.1",
                 "sourceIp": "127.0.0.1", "userAgent": "pytest"},
        "requestId": "request-id",
        "routeKey": "GET /hello",
        "stage": "$default",
        "time": "24/Nov/2026:12:00:00 +0000",
        "timeEpoch": 1795953600000,
    },
    "isBase64Encoded": False,
}  # fmt: skip


@pytest.fixture(scope="session")
def layers(tmp_path_factory: pytest.TempPathFactory, guests: Path) -> dict[str, Path]:
    """Each engine's runtime layer, built as for Lambda and unpacked: engine -> its python/."""
    scratch = tmp_path_factory.mktemp("layers")
    unpacked = {}
    for engine in AVAILABLE_ENGINES:
        spec = layer_of(guests / f"echo-{engine}")
        result = build_runtime_layer(spec, scratch / f"{spec.name}.zip", scratch / "cache")
        with zipfile.ZipFile(result.path) as archive:
            archive.extractall(scratch / spec.name)
        unpacked[engine] = scratch / spec.name / "python"
    return unpacked


class Serve(Protocol):
    def __call__(self, build_dir: Path, engine: str, **options: Any) -> Emulator: ...


@pytest.fixture
def serve(tmp_path: Path, layers: dict[str, Path]) -> Iterator[Serve]:
    """``serve(build_dir, engine, **options)``: the function's zip, unpacked, under the emulator."""
    stack: list[contextlib.AbstractContextManager[Emulator]] = []

    def start(build_dir: Path, engine: str, **options: Any) -> Emulator:
        root = tmp_path / f"task-{len(stack)}"
        package = function_zip(build_dir, tmp_path / f"function-{len(stack)}.zip")
        with zipfile.ZipFile(package.path) as archive:
            archive.extractall(root)
        context = lambda_emulator(
            root, log=tmp_path / f"emulator-{len(stack)}.log", pythonpath=layers[engine], **options
        )
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


each_engine = pytest.mark.parametrize("engine", ENGINES)


@pytest.fixture(scope="module")
def sdk_hellos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hello function per SDK language, per engine; returns the build directory."""
    root = init_project(
        tmp_path_factory.mktemp("sdk") / "hellos", InitOptions(language="c", engine="wasmtime")
    )
    for language in SDK_LANGUAGES[1:]:
        add_function(root, "api", language, language, None)
    add_engine_variants(
        root / "services/api/service.toml",
        {lang: (lang, "hello" if lang == "c" else lang) for lang in SDK_LANGUAGES},
        AVAILABLE_ENGINES,
    )
    Builder(load_project(root)).build()
    return root / BUILD_DIR / "api"


@each_engine
@pytest.mark.parametrize("language", SDK_LANGUAGES)
def test_each_sdk_answers_an_http_event(
    sdk_hellos: Path, serve: Serve, engine: str, language: str
) -> None:
    emulator = serve(sdk_hellos / f"{language}-{engine}", engine)
    response = emulator.invoke(HTTP_EVENT)
    assert response.status == 200
    source = "hello" if language == "c" else language
    assert response.body == {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": hello_body(source),
    }
    # Warm: the same execution environment answers again.
    assert emulator.invoke(HTTP_EVENT).body == response.body
    assert emulator.log().count("INIT START") == 1


@each_engine
def test_the_runtime_comes_from_the_layer(
    guests: Path, serve: Serve, layers: dict[str, Path], engine: str
) -> None:
    emulator = serve(guests / f"echo-{engine}", engine, env={"ASML_LOG_LEVEL": "DEBUG"})
    event = {"order": 42, "items": ["a", "b"], "note": "ünïcode"}
    assert emulator.invoke(event).body == event
    assert f"t.echo-{engine}: asml_runtime from {layers[engine]}/asml_runtime" in emulator.log()


@each_engine
def test_a_trap_is_a_lambda_error_at_once(guests: Path, serve: Serve, engine: str) -> None:
    emulator = serve(guests / f"trap-{engine}", engine, timeout_s=30)
    started = time.monotonic()
    response = emulator.invoke({})
    assert time.monotonic() - started < 5, "a trap must not run into the timeout"
    assert response.error_type == "GuestTrap"
    assert "unreachable" in response.body["errorMessage"]
    assert "guest backtrace" in emulator.log()
    # The environment survives: the next event runs (and traps) again, no re-init.
    assert emulator.invoke({}).error_type == "GuestTrap"
    assert emulator.log().count("INIT START") == 1


@each_engine
def test_a_reported_failure_is_a_lambda_error(guests: Path, serve: Serve, engine: str) -> None:
    response = serve(guests / f"fail-{engine}", engine).invoke({})
    assert response.error_type == "GuestFailure"
    assert response.body["errorMessage"] == "order 42 does not exist"


@each_engine
def test_a_corrupt_artifact_fails_the_init(guests: Path, serve: Serve, engine: str) -> None:
    emulator = serve(guests / f"echo-{engine}", engine)
    (artifact,) = [p for p in emulator.task_root.iterdir() if p.name != "module.json"]
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    response = emulator.invoke({})
    assert response.error_type == "ArtifactError"
    assert "its SHA-256 does not match the record" in response.body["errorMessage"]
    assert "cannot load the function" in emulator.log()


@each_engine
def test_wasi_output_shows_in_the_log(guests: Path, serve: Serve, engine: str) -> None:
    emulator = serve(guests / f"wasi-{engine}", engine)
    assert emulator.invoke({}).body == "printed"
    log = emulator.log()
    assert "hello from wasi stdout" in log
    assert "hello from wasi stderr" in log


@each_engine
def test_a_runaway_guest_ends_before_lambdas_timeout_where_it_can(
    guests: Path, serve: Serve, engine: str
) -> None:
    emulator = serve(guests / f"spin-{engine}", engine, timeout_s=2)
    started = time.monotonic()
    response = emulator.invoke({})
    elapsed = time.monotonic() - started
    if engine == "wasmtime":  # interrupted by the runtime, which still reports the error
        assert response.error_type == "GuestTimeout"
        assert 1.5 < elapsed < 2.5
    else:  # wasmer cannot be interrupted: Lambda's own timeout ends it
        assert "Task timed out" in json.dumps(response.body)
        assert elapsed < 4


@each_engine
def test_guest_memory_is_capped_by_the_functions_memory(
    guests: Path, serve: Serve, engine: str
) -> None:
    response = serve(guests / f"grow-{engine}", engine, memory_mb=128).invoke({})
    if engine == "wasmtime":  # 128 MB less the runtime's share: 100 MiB more does not fit
        assert response.error_type == "GuestFailure"
        assert response.body["errorMessage"] == "out of memory"
    else:  # wasmer has no cap of its own; Lambda's memory size is the limit
        assert response.body == "grew"
