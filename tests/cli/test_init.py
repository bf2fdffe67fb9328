"""`asml init`: every language gives a project that passes `asml check`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from asml.scaffold.languages import SCAFFOLD_LANGUAGES
from tests.conftest import RunAsml, tree

SOURCES = {
    "c": ["services/api/hello/main.c"],
    "cpp": ["services/api/hello/main.cpp"],
    "zig": ["services/api/hello/main.zig"],
    "rust": ["services/api/hello/Cargo.toml", "services/api/hello/src/lib.rs"],
    "assemblyscript": [
        "services/api/hello/asconfig.json",
        "services/api/hello/assembly/index.ts",
        "services/api/hello/package.json",
    ],
    "wat": ["services/api/hello/main.wat"],
}


def test_every_language_has_a_template() -> None:
    assert sorted(SOURCES) == sorted(SCAFFOLD_LANGUAGES)


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_init_then_check(language: str, run_asml: RunAsml, tmp_path: Path) -> None:
    result = run_asml("init", "todo", "--lang", language, "--engine", "wasmtime")
    files = sorted(
        [".gitignore", "assemblylift.toml", "services/api/service.toml", *SOURCES[language]]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        'Created project "todo" in todo:\n'
        + "".join(f"  {f}\n" for f in files)
        + "Next: cd todo && asml check\n"
    )
    checked = run_asml("check", cwd=tmp_path / "todo")
    assert checked.exit_code == 0
    assert checked.output == 'Project "todo": 1 service, 1 function; no problems.\n'


def test_init_writes_readable_manifests(run_asml: RunAsml, tmp_path: Path) -> None:
    run_asml("init", "todo", "--lang", "zig", "--service", "todos", "--function", "list")
    files = tree(tmp_path / "todo")
    assert files["services/todos/service.toml"] == (
        '# The manifest of service "todos". `asml make function todos.NAME` adds functions.\n'
        "manifest_version = 1\n"
        "\n"
        "[service]\n"
        'name = "todos"\n'
        "\n"
        "[functions.list]\n"
        'language = "zig"\n'
        'http = { verb = "GET", path = "/hello" }\n'
    )
    assert 'services = ["todos"]' in files["assemblylift.toml"]
    assert 'engine = "wasmer-llvm"' in files["assemblylift.toml"]


def test_init_with_the_default_engine_has_no_deprecation_warning(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    # wasmer-llvm on asml's custom runtime (provided.al2023): nothing is at its end.
    run_asml("init", "todo")
    checked = run_asml("check", cwd=tmp_path / "todo")
    assert checked.exit_code == 0
    assert checked.stderr == ""
    assert checked.stdout == 'Project "todo": 1 service, 1 function; no problems.\n'


def test_init_refuses_an_existing_directory(run_asml: RunAsml, tmp_path: Path) -> None:
    (tmp_path / "todo").mkdir()
    (tmp_path / "todo" / "notes.txt").write_text("mine")
    result = run_asml("init", "todo")
    assert result.exit_code == 1
    assert result.output == ("Error: todo already exists and is not empty; choose another name\n")
    assert tree(tmp_path / "todo") == {"notes.txt": "mine"}


def test_init_fills_an_empty_directory(run_asml: RunAsml, tmp_path: Path) -> None:
    (tmp_path / "todo").mkdir()
    assert run_asml("init", "todo").exit_code == 0
    assert (tmp_path / "todo" / "assemblylift.toml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["My App"], 'Error: project name "My App" must start with a lowercase letter and use'
         " only a-z, 0-9, '-' and '_'; e.g. \"todo-api\"\n"),
        (["todo", "--service", "API"], 'Error: service name "API" must start with a lowercase'
         " letter and use only a-z, 0-9, '-' and '_'; e.g. \"todo-api\"\n"),
    ],
)  # fmt: skip
def test_init_rejects_bad_names(
    args: list[str], message: str, run_asml: RunAsml, tmp_path: Path
) -> None:
    result = run_asml("init", *args)
    assert (result.exit_code, result.output) == (1, message)
    assert list(tmp_path.iterdir()) == []


def test_init_leaves_nothing_when_the_project_would_be_invalid(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    long = "a" * 30
    result = run_asml("init", long, "--service", long, "--function", "hello")
    assert result.exit_code == 1
    assert "has 72 characters, more than AWS allows (64)" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_gitignore_keeps_net_and_ignores_caches_state_and_zips(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    run_asml("init", "todo", "--lang", "c", "--engine", "wasmtime")
    root = tmp_path / "todo"
    assert run_asml("cast", cwd=root).exit_code == 0  # net/ writes its own .gitignore
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    paths = [
        "net/main.tf", "net/service_api.tf", "net/modules/iam-role/main.tf",
        "net/dist/functions/api/hello.zip", "net/.terraform/providers/x", "net/prod.tfplan",
        ".asml/cache/x", "terraform-state/_default/terraform.tfstate",
        "services/api/hello/main.c",
    ]  # fmt: skip
    checked = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", *paths],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.stdout.splitlines() == [
        "net/dist/functions/api/hello.zip", "net/.terraform/providers/x", "net/prod.tfplan",
        ".asml/cache/x", "terraform-state/_default/terraform.tfstate",
    ]  # fmt: skip
    gitignore = (root / ".gitignore").read_text()
    assert "It is NOT a cache: it is the only\n# record of what is deployed." in gitignore
