"""``asml build``: every function's source -> checked .wasm -> verified native artifact.

For each function, independently and in parallel:
  1. build the guest with its language's builder, unless the cache holds a module built
     from the same sources with the same toolchain and flags;
  2. check the module (handler and memory exported, nothing imported that asml lacks);
  3. precompile it for Lambda's CPU with the function's engine, unless the cache holds an
     artifact for the same module, engine version, target and settings;
  4. place ``module.wasm``, ``module.bin`` and the record ``module.json`` in
     ``.asml/build/<service>/<function>/``, replacing the previous build in one step.
A failure in one function does not stop the others; all failures are reported together.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from asml.build import engines, fingerprint
from asml.build.cache import BuildCache
from asml.build.guests import BuildFailed, Guest, builder_for
from asml.build.precompile import CompileJob, compile_module
from asml.build.targets import TARGETS
from asml.build.validate import check_guest
from asml.errors import AsmlError, ManifestError
from asml.iomods import service as service_iomods
from asml.iomods.reach import reach_problems
from asml.manifest import Project
from asml.manifest.problems import Problem
from asml_runtime.artifact import (
    ABI_VERSION,
    PRECOMPILED_FILE,
    RECORD_FILE,
    WASM_FILE,
    ArtifactRecord,
    FileInfo,
    TargetInfo,
    file_info,
)
from asml_runtime.iomods import IOMODS_FILE

BUILD_DIR = Path(".asml") / "build"
CACHE_DIR = Path(".asml") / "cache"
# Bump when what a builder produces changes in a way its inputs do not show.
GUEST_RECIPE = "guest-recipe-1"
ARM64_NOTE = (
    "shipped as .wasm and compiled by wasmtime when the function starts: the wasmtime wheel"
    " on PyPI has no arm64 code generator, so an x86_64 machine cannot precompile for arm64"
)
NOT_PRECOMPILED_NOTE = "precompile = false: compiled by the engine when the function starts"


@dataclass(frozen=True)
class FunctionResult:
    function: str
    language: str
    engine: str
    architecture: str
    precompiled: bool
    wasm_size: int
    artifact_size: int
    built_guest: bool  # False: the module came from the cache
    compiled: bool  # False: the artifact came from the cache (or there is none)
    seconds: float
    directory: Path
    note: str
    # IOmod calls the guest names but may not make (asml.iomods.reach)
    warnings: tuple[Problem, ...] = ()


class Reporter(Protocol):
    def started(self, function: str, stage: str) -> None: ...

    def finished(self, result: FunctionResult) -> None: ...

    def failed(self, function: str, error: AsmlError) -> None: ...


class SilentReporter:
    def started(self, function: str, stage: str) -> None:
        pass

    def finished(self, result: FunctionResult) -> None:
        pass

    def failed(self, function: str, error: AsmlError) -> None:
        pass


class BuildErrors(AsmlError):
    def __init__(self, errors: Sequence[AsmlError]) -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        noun = "function" if count == 1 else "functions"
        details = "\n".join(str(e) for e in self.errors)
        super().__init__(f"{count} {noun} failed to build:\n{details}")


@dataclass(frozen=True)
class _Work:
    service: str
    name: str
    guest: Guest
    engine: str
    architecture: str
    precompile: bool
    iomods: str | None = None  # the text of its iomods.json, when it calls IOmods


def select(project: Project, names: Sequence[str] = ()) -> list[_Work]:
    """The functions to build: all, or those named as SERVICE or SERVICE.FUNCTION."""
    work = []
    for service in project.services:
        for name, function in service.manifest.functions.items():
            qualified = f"{service.name}.{name}"
            if names and qualified not in names and service.name not in names:
                continue
            source = service.source_of(name)
            guest = Guest(
                qualified,
                function.language,
                source,
                function.handler,
                source.relative_to(project.root).as_posix(),
            )
            architecture = project.architecture_of(function)
            precompile = function.precompile and architecture == "x86_64"
            work.append(
                _Work(
                    service.name, name, guest, project.engine_of(function), architecture, precompile
                )
            )
    known = {w.guest.function for w in work} | {w.service for w in work}
    unknown = [n for n in names if n not in known]
    if unknown:
        every = sorted(
            {s.name for s in project.services}
            | {f"{s.name}.{f}" for s in project.services for f in s.manifest.functions}
        )
        near = [m for n in unknown for m in difflib.get_close_matches(n, every, n=1)]
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise AsmlError(
            f"{', '.join(unknown)}: no such service or function{hint}; name them as SERVICE or"
            " SERVICE.FUNCTION (see `asml check`)"
        )
    return work


class Builder:
    def __init__(
        self,
        project: Project,
        *,
        jobs: int | None = None,
        cache_dir: Path | None = None,
        reporter: Reporter | None = None,
    ) -> None:
        self.project = project
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.cache_dir = cache_dir or project.root / CACHE_DIR
        self.cache = BuildCache(self.cache_dir)
        self.output = project.root / BUILD_DIR
        self.reporter = reporter or SilentReporter()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def build(self, names: Sequence[str] = ()) -> list[FunctionResult]:
        work = select(self.project, names)
        # IOmods first: a missing or mismatched one fails the build before any compiling.
        services = sorted({w.service for w in work})
        iomods = {
            name: service_iomods.resolve(self.project, self.project.service(name), self.cache_dir)
            for name in services
        }
        wrong_calls = [
            problem
            for name in services
            for problem in service_iomods.call_problems(
                self.project.service(name), {n: s.manifest for n, s in iomods[name].items()}
            )
        ]
        if wrong_calls:
            raise ManifestError(wrong_calls)
        work = [
            dataclasses.replace(
                w,
                iomods=service_iomods.function_iomods(
                    self.project.service(w.service).manifest.functions[w.name], iomods[w.service]
                ),
            )
            for w in work
        ]
        for name in services:
            service_iomods.lay_out(self.output / name, iomods[name])
        for engine in sorted({w.engine for w in work if w.precompile}):
            engines.require(engine)
        results: list[FunctionResult] = []
        failures: list[AsmlError] = []
        try:
            with concurrent.futures.ThreadPoolExecutor(self.jobs) as threads:
                futures = {threads.submit(self._build_one, w): w for w in work}
                for future in concurrent.futures.as_completed(futures):
                    function = futures[future].guest.function
                    try:
                        result = future.result()
                    except AsmlError as error:
                        failures.append(error)
                        self.reporter.failed(function, error)
                        continue
                    service = self.project.service(futures[future].service)
                    manifests = {n: s.manifest for n, s in iomods[service.name].items()}
                    module = (result.directory / WASM_FILE).read_bytes()
                    found = reach_problems(service, futures[future].name, module, manifests)
                    result = dataclasses.replace(result, warnings=tuple(found))
                    results.append(result)
                    self.reporter.finished(result)
        finally:
            if self._pool is not None:
                self._pool.shutdown()
        if failures:
            order = [w.guest.function for w in work]
            failures.sort(key=lambda e: order.index(_function_of(e, order)))
            raise BuildErrors(failures)
        return sorted(results, key=lambda r: r.function)

    def _build_one(self, work: _Work) -> FunctionResult:
        started = time.perf_counter()
        wasm, built_guest = self._guest(work)
        data = wasm.read_bytes()
        info = check_guest(work.guest, data)
        target = TARGETS[work.architecture]  # type: ignore[index]
        engine = engines.engine_info(work.engine, target, precompiled=work.precompile)
        wasm_file = file_info(wasm)
        compiled = False
        if work.precompile:
            artifact, compiled = self._precompile(work, wasm, wasm_file.sha256)
            note = ""
        else:
            artifact = wasm
            note = ARM64_NOTE if work.architecture == "arm64" else NOT_PRECOMPILED_NOTE
        artifact_info = file_info(artifact)
        record = ArtifactRecord(
            function=work.guest.function,
            handler=work.guest.handler,
            wasm=_renamed(wasm_file, WASM_FILE),
            artifact=_renamed(artifact_info, PRECOMPILED_FILE if work.precompile else WASM_FILE),
            precompiled=work.precompile,
            engine=engine,
            target=TargetInfo(
                target.architecture,
                target.triple,
                target.wasmer_features if work.engine != "wasmtime" else target.cranelift_flags,
            ),
            imports=tuple(sorted({(m, n) for m, n, _ in info.imports})),
            note=note,
        )
        directory = self.output / work.service / work.name
        extras = {IOMODS_FILE: work.iomods} if work.iomods else {}
        _place(directory, wasm, artifact if work.precompile else None, record, extras)
        return FunctionResult(
            function=work.guest.function,
            language=work.guest.language,
            engine=work.engine,
            architecture=work.architecture,
            precompiled=work.precompile,
            wasm_size=wasm_file.size,
            artifact_size=artifact_info.size,
            built_guest=built_guest,
            compiled=compiled,
            seconds=time.perf_counter() - started,
            directory=directory,
            note=note,
        )

    def _guest(self, work: _Work) -> tuple[Path, bool]:
        guest = work.guest
        if not guest.source.exists():
            raise BuildFailed(guest, "the source does not exist; run `asml check`")
        builder = builder_for(guest.language)
        key = fingerprint.combine(
            [GUEST_RECIPE, guest.language, guest.handler, fingerprint.tree_digest(guest.source),
             *builder.inputs(guest)]
        )  # fmt: skip
        cached = self.cache.path("wasm", key, ".wasm")
        if cached.is_file():
            return cached, False
        self.reporter.started(guest.function, f"building {guest.language}")
        with tempfile.TemporaryDirectory(prefix="asml-guest-") as scratch:
            out = Path(scratch) / "module.wasm"
            builder.build(guest, out)
            if not out.is_file():
                raise BuildFailed(guest, "the compiler reported success but wrote no module")
            temporary = self.cache.temporary(cached)
            shutil.copyfile(out, temporary)
            self.cache.commit(temporary, cached)
        return cached, True

    def _precompile(self, work: _Work, wasm: Path, wasm_sha: str) -> tuple[Path, bool]:
        target = TARGETS[work.architecture]  # type: ignore[index]
        engine = engines.engine_info(work.engine, target)
        key = fingerprint.combine(
            [wasm_sha, engine.name, engine.version, engine.compiler_version, target.triple,
             *target.wasmer_features, *target.cranelift_flags, repr(sorted(engine.config.items())),
             f"abi-{ABI_VERSION}"]
        )  # fmt: skip
        cached = self.cache.path("artifacts", key, ".bin")
        if cached.is_file():
            return cached, False
        self.reporter.started(work.guest.function, f"compiling with {work.engine}")
        temporary = self.cache.temporary(cached)
        job = CompileJob(
            str(wasm),
            str(temporary),
            work.engine,
            target.triple,
            target.wasmer_features,
            engine.config,
        )
        try:
            self._process_pool().submit(compile_module, job).result()
        except concurrent.futures.process.BrokenProcessPool:
            temporary.unlink(missing_ok=True)
            raise BuildFailed(work.guest, f"the {work.engine} compiler crashed") from None
        except Exception as error:
            temporary.unlink(missing_ok=True)
            raise BuildFailed(
                work.guest, f"{work.engine} cannot compile the module:", str(error)
            ) from None
        self.cache.commit(temporary, cached)
        return cached, True

    def _process_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                # spawn: a fresh interpreter per worker, never a fork of a threaded process.
                context = multiprocessing.get_context("spawn")
                self._pool = concurrent.futures.ProcessPoolExecutor(self.jobs, mp_context=context)
            return self._pool


def _function_of(error: AsmlError, order: list[str]) -> str:
    guest = getattr(error, "guest", None)
    return guest.function if guest is not None else order[0]


def _renamed(info: FileInfo, name: str) -> FileInfo:
    return info.renamed(name)


def _place(
    directory: Path,
    wasm: Path,
    artifact: Path | None,
    record: ArtifactRecord,
    extras: Mapping[str, str],
) -> None:
    """Put the build in place; skip the write when it is already there, byte for byte."""
    texts = {RECORD_FILE: record.to_json(), **extras}
    present = {p.name for p in directory.iterdir()} if directory.is_dir() else set()
    expected = {WASM_FILE, RECORD_FILE, *extras} | ({PRECOMPILED_FILE} if artifact else set())
    if present == expected and all(
        (directory / name).read_text(encoding="utf-8") == text for name, text in texts.items()
    ):
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        shutil.copyfile(wasm, staging / WASM_FILE)
        if artifact is not None:
            shutil.copyfile(artifact, staging / PRECOMPILED_FILE)
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        staging.chmod(0o755)
        if directory.exists():
            retired = directory.with_name(f".{directory.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            directory.rename(retired)
            staging.rename(directory)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
