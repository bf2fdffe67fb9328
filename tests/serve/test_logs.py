"""A guest's own log lines reach the terminal in `asml serve` and `asml invoke`, at every level
each SDK offers, with the function's name, from the level in ASML_LOG_LEVEL up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from tests.serving import serving

# Each SDK's helpers, one per level, in place of the template's single info line.
LEVELS = ("debug", "info", "warn", "error")
SOURCES = {
    "c": ("hello/main.c", 'asml_log_info("saying hello");',
          "".join(f'asml_log_{level}("c at {level}");' for level in LEVELS)),
    "zig": ("zig/main.zig", 'asml.logInfo("saying hello");',
            "".join(f'asml.log{level.title()}("zig at {level}");' for level in LEVELS)),
    "rust": ("rust/src/lib.rs", 'asml::log_info("saying hello");',
             "".join(f'asml::log_{level}("rust at {level}");' for level in LEVELS)),
    "assemblyscript": (
        "assemblyscript/assembly/index.ts",
        'asml.logInfo("saying hello (" + event.length.toString() + " characters of event)");',
        "".join(f'asml.log{level.title()}("assemblyscript at {level}");' for level in LEVELS),
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def logging_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_project(
        tmp_path_factory.mktemp("logs") / "logs", InitOptions(language="c", engine="wasmtime")
    )
    for language in ("zig", "rust", "assemblyscript"):
        add_function(root, "api", language, language, ("GET", f"/{language}"))
    for relative, template_line, calls in SOURCES.values():
        source = root / "services" / "api" / relative
        text = source.read_text()
        assert template_line in text
        source.write_text(text.replace(template_line, calls))
    return root


def _guest_lines(log: list[str]) -> list[str]:
    return [line for line in log if " at " in line and line.split(" ", 1)[0].isupper()]


@pytest.mark.parametrize("level", [None, "DEBUG", "ERROR"])
def test_serve_prints_each_sdks_log_lines_from_the_level_up(
    logging_project: Path, level: str | None
) -> None:
    env = {"ASML_LOG_LEVEL": level} if level else {}
    shown = {None: LEVELS[1:], "DEBUG": LEVELS, "ERROR": LEVELS[3:]}[level]
    paths = {"c": "/hello", "zig": "/zig", "rust": "/rust", "assemblyscript": "/assemblyscript"}
    with serving(logging_project, "--no-watch", env=env) as served:
        for path in paths.values():
            assert served.json("GET", path)[0] == 200
    expected = []
    for language in paths:
        function = "hello" if language == "c" else language
        expected += [f"{lv.replace('warn', 'warning').upper()} api.{function}: {language} at {lv}"
                     for lv in shown]  # fmt: skip
    assert _guest_lines(served.log) == expected


def test_invoke_prints_the_log_on_stderr_and_the_response_alone_on_stdout(
    logging_project: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asml", "invoke", "api.zig"],
        cwd=logging_project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{") and "zig at" not in done.stdout
    assert _guest_lines(done.stderr.splitlines()) == [
        "INFO api.zig: zig at info", "WARNING api.zig: zig at warn", "ERROR api.zig: zig at error"
    ]  # fmt: skip
