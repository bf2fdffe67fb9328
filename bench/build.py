"""Build benchmarks: compile time and artifact size per engine; 50 functions, cold and warm."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.fixtures import many_functions_project, sqljs_wasm
from bench.harness import Stats, Table, measure, seconds, size

ENGINES = ("wasmer-llvm", "wasmer-cranelift", "wasmer-singlepass", "wasmtime")
EXAMPLE_LANGUAGES = ("c", "zig", "rust", "assemblyscript", "wat")


def _examples(scratch: Path) -> dict[str, Path]:
    """The hello function of each language, built to .wasm by asml itself."""
    from asml.build.pipeline import Builder
    from asml.manifest import load_project
    from asml.scaffold.edit import add_function
    from asml.scaffold.project import InitOptions, init_project

    root = init_project(scratch / "examples", InitOptions(language="c", engine="wasmtime"))
    for language in EXAMPLE_LANGUAGES[1:]:
        add_function(root, "api", language.replace("assemblyscript", "as"), language, None)
    Builder(load_project(root)).build()
    names = {
        "c": "hello",
        **{lang: lang.replace("assemblyscript", "as") for lang in EXAMPLE_LANGUAGES[1:]},
    }
    return {
        f"hello ({lang})": root / ".asml/build/api" / name / "module.wasm"
        for lang, name in names.items()
    }


def _compile(wasm: Path, engine: str, out: Path) -> int:
    from asml.build import engines
    from asml.build.precompile import CompileJob, compile_module
    from asml.build.targets import X86_64

    config = engines.engine_info(engine, X86_64).config
    job = CompileJob(str(wasm), str(out), engine, X86_64.triple, X86_64.wasmer_features, config)
    return compile_module(job)


def compile_table(quick: bool) -> Table:
    table = Table(
        "Precompile per engine (x86_64 baseline: AVX2)",
        ["module", "wasm", *[f"{e} time" for e in ENGINES], *[f"{e} size" for e in ENGINES]],
    )
    with tempfile.TemporaryDirectory() as scratch:
        modules = _examples(Path(scratch))
        if quick:
            modules = dict(list(modules.items())[:1])
        else:
            modules["sql.js sql-wasm.wasm"] = sqljs_wasm()
        for label, wasm in modules.items():
            times, sizes = [], []
            for engine in ENGINES:
                out = Path(scratch) / f"{engine}.bin"
                big = wasm.stat().st_size > 100_000
                repeats = 1 if quick or (big and engine == "wasmer-llvm") else 3
                stats = measure(lambda w=wasm, e=engine, o=out: _compile(w, e, o), repeats=repeats)
                times.append(seconds(stats.median))
                sizes.append(size(out.stat().st_size))
            table.rows.append([label, size(wasm.stat().st_size), *times, *sizes])
    table.notes.append("median of 3 compiles (1 for LLVM on sql.js), in process, one core")
    return table


def _asml_build(root: Path) -> float:
    env = {**os.environ, "ASML_TODAY": "2026-11-23"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "asml", "-C", str(root), "build"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - started


def project_table(quick: bool) -> Table:
    count = 3 if quick else 50
    table = Table(
        f"`asml build` of a generated project of {count} C functions (wasmer-llvm)",
        ["build", "wall time", "per function"],
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = many_functions_project(Path(scratch), count)
        cold = _asml_build(root)
        warm = measure(lambda: _asml_build(root), repeats=1 if quick else 5)
        main_c = root / "services/api/f000/main.c"
        main_c.write_text(main_c.read_text().replace('"n\\":0', '"n\\":-1'))
        one = _asml_build(root)
        python = measure(
            lambda: subprocess.run([sys.executable, "-c", "import asml.cli"], check=True),
            repeats=1 if quick else 5,
        )
    table.rows += [
        ["cold cache", seconds(cold), seconds(cold / count)],
        ["warm cache (nothing changed)", seconds(warm.median), seconds(warm.median / count)],
        ["one function changed", seconds(one), "-"],
        ["for scale: `python -c 'import asml.cli'`", seconds(python.median), "-"],
    ]
    table.notes += [
        "a fresh `asml build` process each time, as a user runs it; warm is the median of 5",
        "cold: empty asml cache; zig's own wasi-libc cache (~/.cache/zig) was already warm",
        f"goal: warm build of 50 functions under 2 s ({'met' if warm.median < 2 else 'NOT met'})"
        if not quick
        else "quick mode: tiny sizes, to check that the harness runs",
    ]
    return table


def tables(quick: bool) -> list[Table]:
    return [compile_table(quick), project_table(quick)]


__all__ = ["Stats", "tables"]
