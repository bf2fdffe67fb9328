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


def big_module_source(functions: int) -> str:
    """A C guest of ``functions`` distinct functions, all reachable: ~120 bytes of wasm each.

    It stands in for a real, large function (the issues' "600 KB module") in cold-start
    measurements: what costs there is the size of the code to load, not what it does.
    """
    lines = ["#include <asml.h>", ""]
    for index in range(functions):
        a, b, c = (index * 2654435761) % 2**32, (index * 40503 + 7) % 2**32, index % 31 + 1
        lines.append(
            f"__attribute__((noinline)) static uint32_t f{index}(uint32_t x) {{"
            f" x ^= {a}u; x *= {b | 1}u; x = (x << {c}) | (x >> {32 - c});"
            f" if (x & 1) x += {index}u; else x ^= x >> 13;"
            f" x += {c}u * (x >> 7); return x ^ {a >> 3}u; }}"
        )
    table = ", ".join(f"f{index}" for index in range(functions))
    lines += [
        f"static uint32_t (*const table[{functions}])(uint32_t) = {{{table}}};",
        "ASML_HANDLER(handler) {",
        "    uint32_t value = event->len;",
        f"    for (uint32_t i = 0; i < {functions}; i += 97) value = table[i](value);",
        '    return asml_http_json(200, value ? "{\\"message\\":\\"big\\"}" : "{}");',
        "}",
    ]
    return "\n".join(lines) + "\n"
