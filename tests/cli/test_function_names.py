"""A function named wrongly on the command line gets the project's own names back, the
nearest first, never a template's."""

from __future__ import annotations

from pathlib import Path

import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from tests.conftest import RunAsml


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    add_function(root, "api", "bye", "c", ("GET", "/bye"))
    return root


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("hello", '"hello" is not SERVICE.FUNCTION; did you mean api.hello?'
                  " (its functions: api.bye, api.hello)"),
        ("api.helo", "the project has no function api.helo; did you mean api.hello?"
                     " (its functions: api.bye, api.hello)"),
        ("shop.nothing", "the project has no function shop.nothing (its functions: api.bye,"
                         " api.hello)"),
    ],
)  # fmt: skip
def test_invoke_suggests_from_the_project(
    shop: Path, run_asml: RunAsml, typed: str, said: str
) -> None:
    result = run_asml("invoke", typed, cwd=shop)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {said}\n"
    assert result.stdout == ""


def test_build_and_serve_suggest_too(shop: Path, run_asml: RunAsml) -> None:
    built = run_asml("build", "api.helo", cwd=shop)
    assert built.exit_code == 1
    assert built.stderr.endswith(
        "Error: api.helo: no such service or function (did you mean api.hello?); name them as"
        " SERVICE or SERVICE.FUNCTION (see `asml check`)\n"
    )
    served = run_asml("serve", "apo", "--no-watch", cwd=shop)
    assert served.exit_code == 1
    assert served.stderr.endswith(
        'Error: there is no service "apo" in assemblylift.toml; did you mean api? (its'
        " services: api)\n"
    )
