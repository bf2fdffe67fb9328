"""What a new function looks like in each language that ``asml init`` / ``asml make`` offer."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from asml.scaffold.render import render

# language -> templates under templates/languages/<language>/, each rendered without ".j2"
_FILES: dict[str, tuple[str, ...]] = {
    "c": ("main.c.j2",),
    "cpp": ("main.cpp.j2",),
    "zig": ("main.zig.j2",),
    "rust": ("Cargo.toml.j2", "src/lib.rs.j2"),
    "assemblyscript": ("package.json.j2", "asconfig.json.j2", "assembly/index.ts.j2"),
    "wat": ("main.wat.j2",),
}

SCAFFOLD_LANGUAGES: tuple[str, ...] = tuple(_FILES)


def hello_body(function: str) -> str:
    return json.dumps({"message": f"Hello from {function}!"}, separators=(",", ":"))


def hello_response(function: str) -> str:
    """An API Gateway proxy response greeting the caller, as compact JSON."""
    body = hello_body(function)
    response = {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": body,
    }
    return json.dumps(response, separators=(",", ":"))


def function_files(language: str, function: str, handler: str = "handler") -> dict[str, str]:
    """Relative path -> contents of a hello function's source tree."""
    context = {
        "function": function,
        "handler": handler,
        "response": hello_response(function),
        "body": hello_body(function),
    }
    files = {}
    for template in _FILES[language]:
        target = PurePosixPath(template).with_suffix("").as_posix()
        files[target] = render(f"languages/{language}/{template}", **context)
    return files
