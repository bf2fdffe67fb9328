"""Inputs for the benchmarks: real third-party wasm and generated projects."""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path

from bench.harness import run

CACHE = Path(__file__).parent / ".cache"
SQLJS_VERSION = "1.16.0"  # its dist/sql-wasm.wasm is the 688 KB module the issues name


def sqljs_wasm() -> Path:
    """sql.js's SQLite build, fetched once from the npm registry with `npm pack`."""
    target = CACHE / f"sql-wasm-{SQLJS_VERSION}.wasm"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        run(["npm", "pack", f"sql.js@{SQLJS_VERSION}", "--silent"], cwd=scratch)
        (archive,) = Path(scratch).glob("sql.js-*.tgz")
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/dist/sql-wasm.wasm")
            assert member is not None
            target.write_bytes(member.read())
    return target


def many_functions_project(parent: Path, count: int, *, engine: str = "wasmer-llvm") -> Path:
    """A project of ``count`` distinct C functions (each compiles on its own)."""
    root = parent / "many"
    services = root / "services" / "api"
    functions = []
    for index in range(count):
        name = f"f{index:03d}"
        (services / name).mkdir(parents=True)
        (services / name / "main.c").write_text(
            "#include <asml.h>\n"
            f'static const char R[] = "{{\\"n\\":{index}}}";\n'
            "ASML_HANDLER(handler) { (void)event; return asml_respond(R, sizeof R - 1); }\n"
        )
        functions.append(f'[functions.{name}]\nlanguage = "c"\n')
    (services / "service.toml").write_text("\n".join(functions))
    (root / "assemblylift.toml").write_text(
        f'[project]\nname = "many"\nengine = "{engine}"\nservices = ["api"]\n'
    )
    return root
