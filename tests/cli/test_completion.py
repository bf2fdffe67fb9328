"""`asml completion SHELL` prints a script that really completes, in a real bash: commands,
choices, and the project's own SERVICE.FUNCTION names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from tests.conftest import RunAsml

BIN = str(Path(sys.executable).parent)


def _complete(cwd: Path, *words: str) -> list[str]:
    script = (
        'source <(asml completion bash)\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        '_asml_completion asml; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )  # fmt: skip
    environment = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return [line for line in done.stdout.splitlines() if line]


def test_bash_completes_commands_choices_and_functions(tmp_path: Path) -> None:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    add_function(root, "api", "bye", "c", ("GET", "/bye"))
    assert _complete(root, "asml", "pl") == ["plan"]
    assert _complete(root, "asml", "de") == ["deploy", "destroy"]
    assert _complete(root, "asml", "invoke", "--target", "") == ["aws", "local"]
    assert _complete(root, "asml", "invoke", "api.") == ["api.bye", "api.hello"]
    assert _complete(root, "asml", "build", "a") == ["api", "api.bye", "api.hello"]
    assert _complete(root, "asml", "serve", "") == ["api"]
    assert _complete(tmp_path, "asml", "invoke", "") == []  # outside a project: nothing


@pytest.mark.parametrize(
    ("shell", "first", "hook"),
    [
        ("zsh", "#compdef asml", "_ASML_COMPLETE=zsh_complete"),
        ("fish", "function _asml_completion;", "_ASML_COMPLETE=fish_complete"),
    ],
)
def test_zsh_and_fish_scripts(run_asml: RunAsml, shell: str, first: str, hook: str) -> None:
    # the script of that shell (not bash's), calling back into asml for that shell
    result = run_asml("completion", shell)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == first
    assert hook in result.stdout and "bash_complete" not in result.stdout


def test_an_unknown_shell_names_the_choices(run_asml: RunAsml) -> None:
    result = run_asml("completion", "powershell")
    assert result.exit_code == 2
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.output
