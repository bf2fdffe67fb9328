"""Runtime benchmarks: cold start, warm overhead, peak RSS, instance reuse, compute speed.

Functions run the way Lambda runs them: the handler and the engine come from a runtime layer
built by asml (no .pyc, as Lambda's read-only /opt cannot keep any), loaded by the plain
CPython 3.10 interpreter, not this venv's (the managed python3.10 path), or by the interpreter
layer's CPython (the custom runtime, provided.al2023). Every figure stands beside its
comparison from the same run, and ratios are taken round by round so a noisy machine does not
skew them.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.fixtures import big_module_source
from bench.harness import Stats, Table, median_ratio, seconds, size

ENGINES = ("wasmer-llvm", "wasmer-cranelift", "wasmer-singlepass", "wasmtime")
GUESTS = Path(__file__).parent / "guests"
BIG_FUNCTIONS = 7300  # about 600 KB of wasm
HELLO_C = """#include <asml.h>
ASML_HANDLER(handler) { (void)event; return asml_http_json(200, "{\\"message\\":\\"hello\\"}"); }
"""
PLAIN_HANDLER = """import json


def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"message": "hello"})}
"""
# A 1 KB API Gateway payload 2.0 event.
EVENT = {
    "version": "2.0", "routeKey": "POST /hello", "rawPath": "/hello", "rawQueryString": "",
    "headers": {"content-type": "application/json", "host": "api.example.com"},
    "requestContext": {"http": {"method": "POST", "path": "/hello", "sourceIp": "127.0.0.1"},
                       "requestId": "id", "stage": "$default"},
    "isBase64Encoded": False,
}  # fmt: skip
EVENT["body"] = "x" * (1024 - len(json.dumps(EVENT)) - 12)

# Runs in a fresh interpreter: cold start to the first response on stdout, then warm calls.
CHILD = """
import json, os, sys, time
event = json.loads(os.environ["BENCH_EVENT"])
if os.environ.get("ASML_FUNCTION_DIR"):
    from asml_runtime.lambda_handler import handler, function
else:
    from plain_handler import handler
    function = None
sys.stdout.write(json.dumps(handler(event, None)) + "\\n")
sys.stdout.flush()
calls = int(os.environ["BENCH_CALLS"])
samples = []
for _ in range(calls):
    started = time.perf_counter()
    handler(event, None)
    samples.append(time.perf_counter() - started)
instantiate = []
if function is not None:
    for _ in range(min(calls, 200)):
        started = time.perf_counter()
        function.module.instantiate()
        instantiate.append(time.perf_counter() - started)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, from the forked parent.
with open("/proc/self/status") as status:
    rss = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmHWM:"))
print(json.dumps({"samples": samples, "instantiate": instantiate, "rss": rss}))
"""


@dataclass(frozen=True)
class Sizes:
    cold_rounds: int
    warm_calls: int
    compute_repeats: int
    big_functions: int
    fib: int
    nbody: int
    sha256: int


FULL = Sizes(cold_rounds=15, warm_calls=3000, compute_repeats=5, big_functions=BIG_FUNCTIONS,
             fib=32, nbody=2_000_000, sha256=32)  # fmt: skip
QUICK = Sizes(cold_rounds=2, warm_calls=50, compute_repeats=1, big_functions=40,
              fib=20, nbody=1000, sha256=1)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.01)
    raise RuntimeError("the Lambda emulator did not start listening")


def _base_python() -> str:
    """The interpreter Lambda would use: this CPython, but outside the venv and its packages."""
    return str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}")


class Bench:
    def __init__(self, scratch: Path, sizes: Sizes) -> None:
        self.scratch = scratch
        self.sizes = sizes
        self.root = self._project()
        self.zips: dict[str, Path] = {}
        self.interpreter_source: str | None = None
        self.custom_home = scratch
        self.layers = self._layers()
        self.plain = scratch / "plain"
        self.plain.mkdir()
        (self.plain / "plain_handler.py").write_text(PLAIN_HANDLER)

    def _project(self) -> Path:
        from asml.build.pipeline import Builder
        from asml.manifest import load_project

        root = self.scratch / "project"
        sources = root / "services" / "b"
        for name, text in {
            "hello": HELLO_C,
            "big": big_module_source(self.sizes.big_functions),
            "compute": (GUESTS / "compute.c").read_text(),
        }.items():
            (sources / name).mkdir(parents=True)
            (sources / name / "main.c").write_text(text)
        functions = [
            f'[functions.{name}-{engine}]\nlanguage = "c"\nsource = "{name}"\nengine = "{engine}"\n'
            for name in ("hello", "big", "compute")
            for engine in ENGINES
        ]
        (sources / "service.toml").write_text("\n".join(functions))
        (root / "assemblylift.toml").write_text('[project]\nname = "bench"\nservices = ["b"]\n')
        os.environ.setdefault("ASML_TODAY", "2026-11-23")
        Builder(load_project(root)).build()
        return root

    def function_dir(self, name: str, engine: str) -> Path:
        return self.root / ".asml" / "build" / "b" / f"{name}-{engine}"

    def _layers(self) -> dict[str, Path]:
        """Each layer, built and unpacked: ``wasmer`` (managed python3.10), ``wasmtime``,
        ``custom`` (wasmer on provided.al2023: its runtime layer and interpreter layer in one
        /opt, as Lambda lays them out)."""
        from asml.package.interpreter import PREFIX_ENV, build_interpreter_layer
        from asml.package.lambda_platform import PROVIDED_AL2023, PYTHON310
        from asml.package.project import layer_of
        from asml.package.runtime_layer import build_runtime_layer
        from asml.package.zips import extract

        unpacked = {}
        for key, engine, runtime in [("wasmer", "wasmer-llvm", PYTHON310),
                                     ("wasmtime", "wasmtime", None),
                                     ("custom", "wasmer-llvm", PROVIDED_AL2023)]:  # fmt: skip
            spec = layer_of(self.function_dir("hello", engine), runtime)
            result = build_runtime_layer(spec, self.scratch / f"{spec.name}.zip", self.scratch)
            self.zips[key] = result.path
            extract(result.path, self.scratch / key)
            unpacked[key] = self.scratch / key / "python"
        environ = dict(os.environ)
        if not any(environ.get(k) for k in ("ASML_PYTHON_PREFIX", "ASML_PYTHON_ARCHIVE",
                                             "PBS_INSTALLER_BASE_URL")):  # fmt: skip
            environ[PREFIX_ENV] = sys.base_prefix  # offline: this machine's CPython stands in
        self.interpreter_source = environ.get(PREFIX_ENV) or environ.get("ASML_PYTHON_ARCHIVE")
        interpreter = build_interpreter_layer(
            "x86_64", self.scratch / "asml-python3.10-x86_64.zip", self.scratch, environ
        )
        self.zips["interpreter"] = interpreter.path
        extract(interpreter.path, self.scratch / "custom")
        self.custom_home = self.scratch / "custom" / "asml" / "python3.10"
        return unpacked

    def unpacked_size(self, key: str) -> int:
        """Bytes the layer takes once Lambda unpacked it."""
        with zipfile.ZipFile(self.zips[key]) as archive:
            return sum(info.file_size for info in archive.infolist())

    def layer_size(self, key: str) -> tuple[int, int]:
        return self.zips[key].stat().st_size, self.unpacked_size(key)

    def child(
        self, function: Path | None, calls: int, *, custom: bool = False
    ) -> tuple[float, dict[str, object]]:
        """Start a fresh interpreter; seconds to the first response, and what it measured.

        ``custom``: as on the custom runtime, the interpreter layer's CPython with the
        environment its ``bootstrap`` sets."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONDONTWRITEBYTECODE": "1",
            "BENCH_EVENT": json.dumps(EVENT),
            "BENCH_CALLS": str(calls),
            "ASML_LOG_LEVEL": "WARNING",
        }
        python = _base_python()
        if function is not None:
            package = "wasmtime" if function.name.endswith("wasmtime") else "wasmer"
            package = "custom" if custom else package
            env |= {"PYTHONPATH": str(self.layers[package]), "ASML_FUNCTION_DIR": str(function)}
        else:
            env["PYTHONPATH"] = str(self.plain)
        if custom:
            python = str(self.custom_home / "bin" / "python3.10")
            env["LD_LIBRARY_PATH"] = str(self.custom_home / "lib")
        started = time.perf_counter()
        process = subprocess.Popen(
            [python, "-s", "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        elapsed = time.perf_counter() - started
        rest = process.stdout.read()  # not communicate(): it would skip what readline buffered
        process.wait(timeout=600)
        if process.returncode != 0 or not first:
            raise RuntimeError(f"the benchmark child failed for {function}")
        return elapsed, json.loads(rest)

    def emulated_init(self, function: Path, *, custom: bool) -> float:
        """Seconds of the first invocation under the Lambda runtime interface emulator, which
        starts the runtime then: Lambda's own cold start (init and the first event), through
        the custom runtime's ``/opt/bootstrap`` or as the managed python3.10 starts
        awslambdaric."""
        rie = Path(sys.executable).parent / "aws-lambda-rie"
        port, api = _free_port(), _free_port()
        layers = self.scratch / ("custom" if custom else "wasmer")
        runtime = (
            [str(layers / "bootstrap")]
            if custom
            else [_base_python(), "-s", "-m", "awslambdaric", "asml_runtime.lambda_handler.handler"]
        )
        env = {
            "PATH": os.environ.get("PATH", ""),
            "LAMBDA_TASK_ROOT": str(function),
            "_HANDLER": "asml_runtime.lambda_handler.handler",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "ASML_LOG_LEVEL": "WARNING",
        }
        if not custom:  # Lambda's python3.10: the layer's python/, then its own awslambdaric
            client = self.scratch / "custom" / "python"  # the same cp310 awslambdaric wheel
            path = os.pathsep.join([str(layers / "python"), str(client)])
            env |= {"PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
        process = subprocess.Popen(
            [str(rie), "--runtime-interface-emulator-address", f"127.0.0.1:{port}",
             "--runtime-api-address", f"127.0.0.1:{api}", *runtime],
            env=env, cwd=function, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            _wait_listening(port)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations",
                data=json.dumps(EVENT).encode(), method="POST",
            )  # fmt: skip
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:
                body = json.loads(answer.read())
            elapsed = time.perf_counter() - started
            if body.get("statusCode") != 200:
                raise RuntimeError(f"the emulated function failed: {body}")
            return elapsed
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def bare_python(self) -> float:
        started = time.perf_counter()
        subprocess.run([_base_python(), "-s", "-c", "pass"], check=True)
        return time.perf_counter() - started


def cold_start_table(bench: Bench) -> Table:
    table = Table(
        "Cold start: fresh process to first response",
        ["function", "engine", "median", "vs bare `python -c pass`", "vs plain Python handler"],
    )
    variants = [(name, engine) for name in ("hello", "big") for engine in ENGINES]
    times: dict[tuple[str, str], list[float]] = {v: [] for v in variants}
    bare: list[float] = []
    plain: list[float] = []
    for _ in range(bench.sizes.cold_rounds):  # round-robin, so drift hits every variant alike
        bare.append(bench.bare_python())
        plain.append(bench.child(None, 0)[0])
        for name, engine in variants:
            times[(name, engine)].append(bench.child(bench.function_dir(name, engine), 0)[0])
    table.rows.append(["bare `python -c pass`", "-", seconds(statistics.median(bare)), "1.00x",
                       "-"])  # fmt: skip
    table.rows.append(["plain Python handler", "-", seconds(statistics.median(plain)),
                       f"{median_ratio(plain, bare):.2f}x", "1.00x"])  # fmt: skip
    for (name, engine), samples in times.items():
        wasm = bench.function_dir(name, engine) / "module.wasm"
        label = f"{name} ({size(wasm.stat().st_size)} wasm)"
        table.rows.append([
            label, engine, seconds(statistics.median(samples)),
            f"{median_ratio(samples, bare):.2f}x", f"{median_ratio(samples, plain):.2f}x",
        ])  # fmt: skip
    hello = times[("hello", "wasmer-llvm")]
    hello_median, hello_ratio = statistics.median(hello), median_ratio(hello, bare)
    met = hello_median <= 0.06 and hello_ratio <= 2.5
    table.notes += [
        f"median of {bench.sizes.cold_rounds} rounds; ratios are medians of per-round ratios",
        "CPython 3.10 outside any venv, runtime and engine from the layer asml builds, no .pyc",
        f"goal: wasmer-llvm hello ≤ 60 ms and ≤ 2.5x bare Python: {seconds(hello_median)},"
        f" {hello_ratio:.2f}x ({'met' if met else 'NOT met'})",
    ]
    return table


def custom_runtime_table(bench: Bench) -> Table:
    """The two ways a wasmer function runs on Lambda, against a plain Python handler."""
    table = Table(
        "Cold start: wasmer-llvm hello on the custom runtime vs the managed python3.10",
        ["runtime", "median", "vs managed python3.10", "vs plain Python handler"],
    )
    hello = bench.function_dir("hello", "wasmer-llvm")
    custom: list[float] = []
    managed: list[float] = []
    plain: list[float] = []
    emulated_managed: list[float] = []
    emulated_custom: list[float] = []
    for _ in range(bench.sizes.cold_rounds):  # round-robin, so drift hits every variant alike
        plain.append(bench.child(None, 0)[0])
        managed.append(bench.child(hello, 0)[0])
        custom.append(bench.child(hello, 0, custom=True)[0])
        emulated_managed.append(bench.emulated_init(hello, custom=False))
        emulated_custom.append(bench.emulated_init(hello, custom=True))
    table.rows += [
        ["plain Python handler (managed python3.10)", seconds(statistics.median(plain)), "-",
         "1.00x"],
        ["managed python3.10 + runtime layer", seconds(statistics.median(managed)), "1.00x",
         f"{median_ratio(managed, plain):.2f}x"],
        ["provided.al2023: interpreter layer + runtime layer", seconds(statistics.median(custom)),
         f"{median_ratio(custom, managed):.2f}x", f"{median_ratio(custom, plain):.2f}x"],
        ["under the Lambda emulator, managed python3.10 (awslambdaric)",
         seconds(statistics.median(emulated_managed)), "1.00x", "-"],
        ["under the Lambda emulator, provided.al2023 (/opt/bootstrap, awslambdaric)",
         seconds(statistics.median(emulated_custom)),
         f"{median_ratio(emulated_custom, emulated_managed):.2f}x", "-"],
    ]  # fmt: skip
    versus_managed, versus_plain = median_ratio(custom, managed), median_ratio(custom, plain)
    table.notes += [
        f"median of {bench.sizes.cold_rounds} rounds, fresh process to first response (as the"
        " table above); ratios are medians of per-round ratios",
        "the emulator rows time Lambda's own cold start: the first invocation, which starts the"
        " runtime process (the bootstrap's sh and the interpreter, or python), awslambdaric,"
        " the init and the event",
        "the custom runtime's interpreter is the interpreter layer's CPython (built from"
        f" {bench.interpreter_source or 'python-build-standalone'}), run with the environment"
        " its bootstrap sets",
        f"goals: custom runtime ≤ 1.1x the managed path: {versus_managed:.2f}x"
        f" ({'met' if versus_managed <= 1.1 else 'NOT met'}); wasmer-llvm hello ≤ 2.0x a plain"
        f" Python handler: {versus_plain:.2f}x on the custom runtime"
        f" ({'met' if versus_plain <= 2.0 else 'NOT met'}),"
        f" {median_ratio(managed, plain):.2f}x on the managed path",
    ]
    return table


def warm_tables(bench: Bench) -> list[Table]:
    warm = Table(
        "Warm invocation: Lambda handler call with a 1 KB HTTP event",
        ["handler", "median", "p99", "overhead vs plain Python handler", "peak RSS"],
    )
    reuse = Table(
        "Instance reuse: why the runtime keeps one instance per environment",
        ["engine", "whole warm call", "instantiate alone", "instantiate / call"],
    )
    _, plain = bench.child(None, bench.sizes.warm_calls)
    plain_median = statistics.median(plain["samples"])  # type: ignore[arg-type]
    warm.rows.append([
        "plain Python handler", seconds(plain_median), seconds(_p99(plain["samples"])), "-",
        size(int(plain["rss"])),  # type: ignore[call-overload]
    ])  # fmt: skip
    goal = []
    for engine in ENGINES:
        _, measured = bench.child(bench.function_dir("hello", engine), bench.sizes.warm_calls)
        samples: list[float] = measured["samples"]  # type: ignore[assignment]
        median = statistics.median(samples)
        rss = int(measured["rss"])  # type: ignore[call-overload]
        warm.rows.append([
            f"hello, {engine}", seconds(median), seconds(_p99(samples)),
            seconds(median - plain_median), size(rss),
        ])  # fmt: skip
        instantiate = statistics.median(measured["instantiate"])  # type: ignore[arg-type]
        reuse.rows.append(
            [engine, seconds(median), seconds(instantiate), f"{instantiate / median:.1f}x"]
        )
        if engine == "wasmer-llvm":
            goal += [median - plain_median, rss]
    warm.notes += [
        f"{bench.sizes.warm_calls} calls in one warm process after its cold start; the handler"
        " serialises the event, runs the guest and parses its answer",
        f"goals (wasmer-llvm): overhead ≤ 100 µs: {seconds(goal[0])}"
        f" ({'met' if goal[0] <= 100e-6 else 'NOT met'}); peak RSS ≤ 40 MB: {size(int(goal[1]))}"
        f" ({'met' if goal[1] <= 40 << 20 else 'NOT met'})",
    ]
    reuse.notes.append(
        "instantiating costs a large share of a whole call, so the runtime reuses the instance"
        " and makes a fresh one only after a failed event (docs/runtime.md)"
    )
    return [warm, reuse]


def _p99(samples: object) -> float:
    return Stats(tuple(samples)).p99  # type: ignore[call-overload]


def compute_table(bench: Bench) -> Table:
    from asml_runtime.function import Function

    native = bench.scratch / "compute-native"
    clang = shutil.which("clang")
    if clang is None:
        raise RuntimeError("clang is missing: scripts/bootstrap.sh installs it")
    subprocess.run([clang, "-O2", "-o", str(native), str(GUESTS / "compute.c"), "-lm"], check=True)
    sizes = bench.sizes
    kernels = {"fib": sizes.fib, "nbody": sizes.nbody, "sha256": sizes.sha256}
    table = Table(
        "Compute: the same C, native (clang -O2) and in each engine",
        ["kernel", "native", *ENGINES],
    )
    functions = {e: Function(bench.function_dir("compute", e)) for e in ENGINES}
    ratios: dict[str, list[float]] = {e: [] for e in ENGINES}
    for kernel, n in kernels.items():
        event = f"{kernel} {n}".encode()
        for function in functions.values():
            function.invoke(event)  # warm-up
        native_times: list[float] = []
        engine_times: dict[str, list[float]] = {e: [] for e in ENGINES}
        for _ in range(sizes.compute_repeats):
            output = subprocess.run(
                [str(native), kernel, str(n)], capture_output=True, text=True, check=True
            ).stdout.split()
            native_times.append(int(output[1]) / 1e9)
            for engine, function in functions.items():
                started = time.perf_counter()
                result = function.invoke(event)
                engine_times[engine].append(time.perf_counter() - started)
                assert float(result) == float(output[0]), f"{engine} {kernel}: wrong result"
        row = [f"{kernel} ({n})", seconds(statistics.median(native_times))]
        for engine in ENGINES:
            ratio = median_ratio(engine_times[engine], native_times)
            ratios[engine].append(ratio)
            row.append(f"{seconds(statistics.median(engine_times[engine]))} ({ratio:.2f}x)")
        table.rows.append(row)
    geomeans = {e: math.exp(statistics.fmean(math.log(r) for r in ratios[e])) for e in ENGINES}
    table.rows.append(["geomean vs native", "1.00x", *[f"{geomeans[e]:.2f}x" for e in ENGINES]])
    table.notes += [
        f"median of {sizes.compute_repeats} runs after a warm-up, native and engines alternating",
        f"goal: wasmer-llvm within 1.15x of native: {geomeans['wasmer-llvm']:.2f}x"
        f" ({'met' if geomeans['wasmer-llvm'] <= 1.15 else 'NOT met'})",
    ]
    return table


def layer_table(bench: Bench) -> Table:
    table = Table("Runtime layer size", ["layer", "zipped", "unpacked"])
    rows = [("wasmer, managed python3.10", "wasmer"), ("wasmtime, managed python3.12", "wasmtime"),
            ("wasmer, custom runtime (+ awslambdaric, bootstrap)", "custom"),
            ("CPython 3.10 interpreter layer (custom runtime)", "interpreter")]  # fmt: skip
    for label, key in rows:
        zipped, unpacked = bench.layer_size(key)
        table.rows.append([label, size(zipped), size(unpacked)])
    custom = bench.unpacked_size("custom") + bench.unpacked_size("interpreter")
    interpreter_zipped = bench.layer_size("interpreter")[0]
    table.notes += [
        "asml_runtime plus the engine's Linux wheel for Lambda; no compiler",
        f"a wasmer function on the custom runtime unpacks to {size(custom)} of layers (plus its"
        " IOmod layer, if any), against Lambda's 250 MB limit",
        f"goal: interpreter layer ≤ 20 MB zipped: {size(interpreter_zipped)}"
        f" ({'met' if interpreter_zipped <= 20 * 1024 * 1024 else 'NOT met'}), built from"
        f" {bench.interpreter_source or 'python-build-standalone 3.10.22'}",
    ]
    return table


def tables(quick: bool) -> list[Table]:
    with tempfile.TemporaryDirectory(prefix="asml-bench-") as scratch:
        bench = Bench(Path(scratch), QUICK if quick else FULL)
        return [cold_start_table(bench), custom_runtime_table(bench), *warm_tables(bench),
                compute_table(bench), layer_table(bench)]  # fmt: skip
