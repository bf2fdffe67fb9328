"""Functions run as on AWS Lambda: the real Runtime Interface Emulator, the official
``awslambdaric`` client, our handler from a built runtime layer, and the function's zip as the
task root. Everything listens on 127.0.0.1 and is stopped by the tests.

Each case runs on every way a function can run: wasmer-llvm on asml's custom runtime
(provided.al2023: the runtime layer's ``bootstrap`` starts the interpreter layer's CPython
3.10, built from a python-build-standalone archive of this machine's CPython), wasmer-llvm on
the managed python3.10, and wasmtime on the managed python3.12.
"""

from __future__ import annotations

import contextlib
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from asml.build.pipeline import BUILD_DIR, Builder
from asml.manifest import load_project
from asml.package.function_zip import function_zip
from asml.package.interpreter import build_interpreter_layer, cache_home
from asml.package.lambda_platform import WASMER_RUNTIMES, runtime_for
from asml.package.project import layer_of
from asml.package.runtime_layer import build_runtime_layer
from asml.package.zips import extract
from asml.scaffold.edit import add_function
from asml.scaffold.languages import hello_body
from asml.scaffold.project import InitOptions, init_project
from tests.conftest import add_engine_variants
from tests.lambda_emulator import Emulator, lambda_emulator
from tests.runtime.conftest import AVAILABLE_ENGINES

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


# (engine, Lambda runtime): every way a function runs on Lambda.
VARIANTS = [
    pytest.param(("wasmer-llvm", "provided.al2023"), marks=pytest.mark.wasmer, id="custom"),
    pytest.param(("wasmer-llvm", "python3.10"), marks=pytest.mark.wasmer, id="python3.10"),
    pytest.param(("wasmtime", "python3.12"), id="wasmtime"),
]
Variant = tuple[str, str]


@dataclass(frozen=True)
class Opt:
    """The layers of one variant, unpacked as Lambda unpacks them into /opt."""

    root: Path
    custom: bool

    @property
    def python(self) -> Path:
        return self.root / "python"


@pytest.fixture(scope="session")
def layers(tmp_path_factory: pytest.TempPathFactory, guests: Path) -> dict[Variant, Opt]:
    """Each variant's layers, built as for Lambda and unpacked."""
    scratch = tmp_path_factory.mktemp("layers")
    unpacked = {}
    for engine in AVAILABLE_ENGINES:
        package = "wasmer" if engine.startswith("wasmer") else "wasmtime"
        names = list(WASMER_RUNTIMES) if package == "wasmer" else ["python3.12"]
        for name in names:
            runtime = runtime_for(package, name if package == "wasmer" else None)
            spec = layer_of(guests / f"echo-{engine}", runtime)
            opt = scratch / spec.name
            zips = [build_runtime_layer(spec, scratch / f"{spec.name}.zip", scratch / "cache")]
            if runtime.custom:
                interpreter = scratch / f"python-{spec.architecture}.zip"
                zips.insert(
                    0, build_interpreter_layer(spec.architecture, interpreter, cache_home())
                )
            for result in zips:
                extract(result.path, opt)
            unpacked[(engine, runtime.name)] = Opt(opt, runtime.custom)
    return unpacked


class Serve(Protocol):
    def __call__(self, build_dir: Path, variant: Variant, **options: Any) -> Emulator: ...


@pytest.fixture
def serve(tmp_path: Path, layers: dict[Variant, Opt]) -> Iterator[Serve]:
    """``serve(build_dir, variant, **options)``: the function's zip, unpacked, under the
    emulator with the variant's layers."""
    stack: list[contextlib.AbstractContextManager[Emulator]] = []

    def start(build_dir: Path, variant: Variant, **options: Any) -> Emulator:
        root = tmp_path / f"task-{len(stack)}"
        package = function_zip(build_dir, tmp_path / f"function-{len(stack)}.zip")
        with zipfile.ZipFile(package.path) as archive:
            archive.extractall(root)
        opt = layers[variant]
        where: dict[str, Any] = (
            {"bootstrap": opt.root / "bootstrap"} if opt.custom else {"pythonpath": opt.python}
        )
        context = lambda_emulator(
            root, log=tmp_path / f"emulator-{len(stack)}.log", **where, **options
        )
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


each_variant = pytest.mark.parametrize("variant", VARIANTS)


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


@each_variant
@pytest.mark.parametrize("language", SDK_LANGUAGES)
def test_each_sdk_answers_an_http_event(
    sdk_hellos: Path, serve: Serve, variant: Variant, language: str
) -> None:
    emulator = serve(sdk_hellos / f"{language}-{variant[0]}", variant)
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
    # the template's own log line, with the function's name
    assert emulator.log().count(f"api.{language}-{variant[0]}: saying hello") == 2


@each_variant
def test_the_runtime_comes_from_the_layer(
    guests: Path, serve: Serve, layers: dict[Variant, Opt], variant: Variant
) -> None:
    emulator = serve(guests / f"echo-{variant[0]}", variant, env={"ASML_LOG_LEVEL": "DEBUG"})
    event = {"order": 42, "items": ["a", "b"], "note": "ünïcode"}
    assert emulator.invoke(event).body == event
    opt = layers[variant]
    log = emulator.log()
    assert f"t.echo-{variant[0]}: asml_runtime from {opt.python}/asml_runtime" in log
    # On the custom runtime the interpreter is the interpreter layer's, not this machine's.
    python = opt.root / "asml/python3.10/bin/python3.10" if opt.custom else Path(sys.executable)
    version = ".".join(str(part) for part in sys.version_info[:3])
    assert f", CPython {version} at {python} (prefix " in log
    if opt.custom:  # its standard library too, not this machine's installation
        assert f"(prefix {opt.root}/asml/python3.10)" in log


@each_variant
def test_a_trap_is_a_lambda_error_at_once(guests: Path, serve: Serve, variant: Variant) -> None:
    emulator = serve(guests / f"trap-{variant[0]}", variant, timeout_s=30)
    started = time.monotonic()
    response = emulator.invoke({})
    assert time.monotonic() - started < 5, "a trap must not run into the timeout"
    assert response.error_type == "GuestTrap"
    assert "unreachable" in response.body["errorMessage"]
    assert "guest backtrace" in emulator.log()
    # The environment survives: the next event runs (and traps) again, no re-init.
    assert emulator.invoke({}).error_type == "GuestTrap"
    assert emulator.log().count("INIT START") == 1


@each_variant
def test_a_reported_failure_is_a_lambda_error(guests: Path, serve: Serve, variant: Variant) -> None:
    response = serve(guests / f"fail-{variant[0]}", variant).invoke({})
    assert response.error_type == "GuestFailure"
    assert response.body["errorMessage"] == "order 42 does not exist"


@each_variant
def test_a_corrupt_artifact_fails_the_init(guests: Path, serve: Serve, variant: Variant) -> None:
    emulator = serve(guests / f"echo-{variant[0]}", variant)
    (artifact,) = [p for p in emulator.task_root.iterdir() if p.name != "module.json"]
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    response = emulator.invoke({})
    assert response.error_type == "ArtifactError"
    assert "its SHA-256 does not match the record" in response.body["errorMessage"]
    assert "cannot load the function" in emulator.log()


@each_variant
@pytest.mark.parametrize("level", ["DEBUG", "INFO", None])
def test_the_guests_log_lines_reach_the_log_from_its_level(
    guests: Path, serve: Serve, variant: Variant, level: str | None
) -> None:
    env = {"ASML_LOG_LEVEL": level} if level else {}
    emulator = serve(guests / f"levels-{variant[0]}", variant, env=env)
    assert emulator.invoke({}).body == "logged"
    lines = [line for line in emulator.log().splitlines() if f"t.levels-{variant[0]}:" in line]
    shown = [line.rsplit(" ", 1)[-1] for line in lines if "line at " in line]
    assert shown == (["debug"] if level == "DEBUG" else []) + ["info", "warn", "error"]


@each_variant
def test_wasi_output_shows_in_the_log(guests: Path, serve: Serve, variant: Variant) -> None:
    emulator = serve(guests / f"wasi-{variant[0]}", variant)
    assert emulator.invoke({}).body == "printed"
    log = emulator.log()
    assert "hello from wasi stdout" in log
    assert "hello from wasi stderr" in log


@each_variant
def test_a_runaway_guest_ends_before_lambdas_timeout(
    guests: Path, serve: Serve, variant: Variant
) -> None:
    emulator = serve(guests / f"spin-{variant[0]}", variant, timeout_s=2)
    for _ in range(2):  # after a wasmer guest, the runtime restarts, and stops the next one too
        started = time.monotonic()
        response = emulator.invoke({})
        elapsed = time.monotonic() - started
        assert response.error_type == "GuestTimeout", response
        assert 1.5 < elapsed < 2.0, "it must end before Lambda's own timeout"
    if variant[0] != "wasmtime":  # stopped by the watchdog, which says why in the log
        assert (
            "the guest ran past its deadline and was stopped 200 ms before the function's"
            " timeout; the next event starts a fresh runtime"
        ) in response.body["errorMessage"]
        assert "ran past its deadline" in emulator.log()


@each_variant
def test_guest_memory_is_capped_by_the_functions_memory(
    guests: Path, serve: Serve, variant: Variant
) -> None:
    response = serve(guests / f"grow-{variant[0]}", variant, memory_mb=128).invoke({})
    if variant[0] == "wasmtime":  # 128 MB less the runtime's share: 100 MiB more does not fit
        assert response.error_type == "GuestFailure"
        assert response.body["errorMessage"] == "out of memory"
    else:  # wasmer has no cap of its own; Lambda's memory size is the limit
        assert response.body == "grew"
