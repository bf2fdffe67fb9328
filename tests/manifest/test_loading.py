"""Loading, legacy equivalence, the clock, and the pieces the golden tests do not isolate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asml.errors import AsmlError, ManifestError, ProjectNotFoundError
from asml.manifest import find_project_root, load_project
from asml.manifest.lifecycle import today
from asml.manifest.problems import Problem, Severity, format_key_path
from asml.manifest.toml_io import TomlReadError, parse_toml
from tests.conftest import write_tree

PROJECT = """\
manifest_version = 1

[project]
name = "shop"
engine = "wasmtime"
services = ["orders"]
"""


def _project(tmp_path: Path, service: str, project: str = PROJECT) -> Path:
    return write_tree(
        tmp_path,
        {
            "assemblylift.toml": project,
            "services/orders/service.toml": service,
            "services/orders/create/main.c": "",
            "services/orders/get/main.c": "",
        },
    )


def test_defaults_are_filled_in(tmp_path: Path) -> None:
    root = _project(tmp_path, '[functions.create]\nlanguage = "c"\n')
    project = load_project(root)
    function = project.service("orders").manifest.functions["create"]
    assert project.manifest.project.region == "us-east-1"
    assert (function.memory_mb, function.timeout_seconds, function.handler) == (256, 5, "handler")
    assert project.engine_of(function) == "wasmtime"
    assert project.architecture_of(function) == "x86_64"
    assert project.service("orders").source_of("create") == root / "services/orders/create"


def test_assemblylift_04_reads_like_the_native_format(tmp_path: Path) -> None:
    native = _project(
        tmp_path / "native",
        """\
[functions.create]
language = "c"
memory_mb = 512
handler = "main"
authorizer = "auth0"
http = { verb = "POST", path = "/orders" }
# In AssemblyLift every function of a service may call the service's IOmods.
iomods = ["http"]

[authorizers.auth0]
type = "JWT"
issuer = "https://example.auth0.com/"
audience = ["orders"]

[iomods.http]
coordinates = "akkoro.std.http"
version = "0.4.0"
""",
    )
    legacy = _project(
        tmp_path / "legacy",
        """\
[service]
name = "orders"

[[api.functions]]
name = "create"
language = "c"
size_mb = 512
handler_name = "main"
authorizer_id = "auth0"
http = { verb = "POST", path = "/orders" }

[[api.authorizers]]
id = "auth0"
auth_type = "JWT"
issuer = "https://example.auth0.com/"
audience = ["orders"]

[iomod]
[[iomod.dependencies]]
coordinates = "akkoro.std.http"
version = "0.4.0"
""",
        project='[project]\nname = "shop"\nengine = "wasmtime"\n\n[[services]]\nname = "orders"\n',
    )
    ours = load_project(native).service("orders").manifest
    theirs = load_project(legacy).service("orders").manifest
    assert theirs.functions == ours.functions
    assert theirs.authorizers == ours.authorizers
    assert theirs.iomods == ours.iomods


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[functions.create]\nlanguage = "cobol"\n\n'
        '[functions.get]\nlanguage = "c"\nmemory_mb = 1\n',
        project=PROJECT.replace('engine = "wasmtime"', 'engine = "v8"'),
    )
    with pytest.raises(ManifestError) as raised:
        load_project(root)
    assert [(p.file, format_key_path(p.key)) for p in raised.value.problems] == [
        ("assemblylift.toml", "project.engine"),
        ("services/orders/service.toml", "functions.create.language"),
        ("services/orders/service.toml", "functions.get.memory_mb"),
    ]
    assert str(raised.value) == "3 errors in the project manifests"


def test_python310_becomes_an_error_when_aws_blocks_it(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[functions.create]\nlanguage = "c"\n',
        project=PROJECT.replace('engine = "wasmtime"\n', 'wasmer_runtime = "python3.10"\n'),
    )
    before = load_project(root, today=date(2027, 1, 31))
    assert [p.severity for p in before.warnings] == [Severity.WARNING]
    with pytest.raises(ManifestError) as raised:
        load_project(root, today=date(2027, 2, 1))
    (problem,) = raised.value.problems
    assert problem.severity is Severity.ERROR
    assert "since 2027-02-01 AWS refuses new python3.10 functions" in problem.message
    assert 'remove `wasmer_runtime = "python3.10"`' in problem.message
    assert 'or set `engine = "wasmtime"`' in problem.message


def test_wasmer_on_the_custom_runtime_has_no_end_date(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[functions.create]\nlanguage = "c"\n',
        project=PROJECT.replace('engine = "wasmtime"\n', ""),
    )
    project = load_project(root, today=date(2027, 6, 1))
    assert project.warnings == ()
    (service,) = project.services
    assert project.wasmer_runtime_of(service.manifest.functions["create"]) == "provided.al2023"


def test_local_only_stages_are_not_lambda(tmp_path: Path) -> None:
    project = PROJECT.replace('engine = "wasmtime"\n', "") + '\n[stages.dev]\ntarget = "local"\n'
    root = _project(tmp_path, '[functions.create]\nlanguage = "c"\n', project=project)
    assert load_project(root, today=date(2027, 6, 1)).warnings == ()


def test_pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASML_TODAY", "2027-03-03")
    assert today() == date(2027, 3, 3)
    monkeypatch.setenv("ASML_TODAY", "tomorrow")
    with pytest.raises(AsmlError, match="YYYY-MM-DD"):
        today()


def test_project_root_is_found_upward(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    assert find_project_root(root / "services" / "orders" / "create") == root.resolve()
    with pytest.raises(ProjectNotFoundError, match="asml init NAME"):
        find_project_root(tmp_path.parent)


def test_missing_project_file_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as raised:
        load_project(tmp_path)
    assert [str(p) for p in raised.value.problems] == ["assemblylift.toml: file not found"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a = \xff", "is not UTF-8 text (bad byte at offset 4)"),
        (b"a = ", "end of file: TOML syntax error: invalid value"),
        (
            b"a = 1\n[b\nc = 2",
            "line 2, column 3: TOML syntax error: expected ']' at the end of a table declaration",
        ),
        (b"a = 1\na = 2", "end of file: TOML syntax error: cannot overwrite a value"),
    ],
)
def test_toml_errors_say_where(data: bytes, message: str) -> None:
    with pytest.raises(TomlReadError) as raised:
        parse_toml(data)
    assert raised.value.message == message


def test_key_paths_are_spelled_as_toml() -> None:
    assert format_key_path(("functions", "create", "http", "verb")) == "functions.create.http.verb"
    assert format_key_path(("api", "functions", 0, "size_mb")) == "api.functions[0].size_mb"
    assert format_key_path(("functions", "my fn")) == 'functions."my fn"'
    shown = Problem("a.toml", ("x",), "bad", Severity.WARNING)
    assert str(shown) == "warning: a.toml: `x`: bad"
