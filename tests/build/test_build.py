"""`asml build` on real toolchains and engines: every language, every engine, run for real."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from asml.build import pipeline
from asml.build.guests import base as guest_base
from asml.build.pipeline import Builder, BuildErrors
from asml.manifest import load_project
from asml.scaffold.languages import hello_response
from asml_runtime.artifact import ArtifactError
from tests.build.runner import GUEST_WAT, run_artifact, wat_guest
from tests.conftest import RunAsml, add_engine_variants, write_tree

pytestmark = pytest.mark.wasmer

LANGUAGES = ["c", "cpp", "zig", "rust", "assemblyscript", "wat"]
ENGINES = ["wasmer-llvm", "wasmer-cranelift", "wasmer-singlepass", "wasmtime"]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project: a hello function per language, each also compiled by every engine."""
    parent = tmp_path_factory.mktemp("matrix")
    from asml.scaffold.edit import add_function
    from asml.scaffold.project import InitOptions, init_project

    root = init_project(parent / "matrix", InitOptions(language="c", engine="wasmtime"))
    for language in LANGUAGES:
        add_function(root, "api", language.replace("assemblyscript", "as"), language, None)
    short = {lang: lang.replace("assemblyscript", "as") for lang in LANGUAGES}
    add_engine_variants(
        root / "services/api/service.toml",
        {short[lang]: (lang, short[lang]) for lang in LANGUAGES},
        ENGINES,
    )
    Builder(load_project(root)).build()
    return root


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_with_every_engine_runs(matrix: Path, language: str, engine: str) -> None:
    name = f"{language.replace('assemblyscript', 'as')}-{engine}"
    directory = matrix / ".asml/build/api" / name
    record = json.loads((directory / "module.json").read_text())
    assert record["engine"]["name"] == engine
    assert record["precompiled"] is True
    assert record["target"]["triple"] == "x86_64-unknown-linux-gnu"
    response = run_artifact(directory)
    assert response == hello_response(language.replace("assemblyscript", "as")).encode()


def test_arm64_ships_wasm_and_says_why(matrix: Path, run_asml: RunAsml) -> None:
    service = matrix / "services/api/service.toml"
    original = service.read_text()
    service.write_text(
        original + '\n[functions.arm]\nlanguage = "c"\nsource = "hello"\n'
        'engine = "wasmtime"\narchitecture = "arm64"\n'
    )
    try:
        result = run_asml("build", "api.arm", cwd=matrix)
    finally:
        service.write_text(original)
    assert result.exit_code == 0, result.output
    assert "note: api.arm: shipped as .wasm and compiled by wasmtime when the function" in (
        result.output
    )
    record = json.loads((matrix / ".asml/build/api/arm/module.json").read_text())
    assert (record["precompiled"], record["artifact"]["file"]) == (False, "module.wasm")
    assert record["target"]["architecture"] == "arm64"
    hello = json.loads((matrix / ".asml/build/api/hello/module.json").read_text())
    assert record["wasm"]["sha256"] == hello["wasm"]["sha256"]  # the same guest, not compiled
    # This x86_64 host must refuse it, before any engine is built for a foreign target.
    with pytest.raises(ArtifactError, match="built for architecture arm64, but this runtime has"):
        run_artifact(matrix / ".asml/build/api/arm")


def test_a_warm_build_runs_no_compiler(matrix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_compiler(*args: object, **kwargs: object) -> None:
        raise AssertionError("a compiler ran on a cache hit")

    monkeypatch.setattr(guest_base, "run_tool", no_compiler)
    monkeypatch.setattr(pipeline, "compile_module", no_compiler)
    monkeypatch.setattr("asml.build.guests.wat.WatBuilder.build", no_compiler)
    before = {p: p.stat().st_mtime_ns for p in (matrix / ".asml/build").rglob("module.*")}
    results = Builder(load_project(matrix)).build()
    assert results and not any(r.built_guest or r.compiled for r in results)
    after = {p: p.stat().st_mtime_ns for p in (matrix / ".asml/build").rglob("module.*")}
    assert after == before  # nothing was rewritten either


def test_changing_one_function_rebuilds_only_it(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "assemblylift.toml": '[project]\nname = "p"\nengine = "wasmtime"\nservices = ["s"]\n',
            "services/s/service.toml": '[functions.a]\nlanguage = "wat"\n\n'
            '[functions.b]\nlanguage = "wat"\n',
            "services/s/a/main.wat": wat_guest("ok-a"),
            "services/s/b/main.wat": wat_guest("ok-b"),
        },
    )
    Builder(load_project(root)).build()
    (root / "services/s/b/main.wat").write_text(wat_guest("ok-B"))
    results = {r.function: r for r in Builder(load_project(root)).build()}
    assert (results["s.a"].built_guest, results["s.a"].compiled) == (False, False)
    assert (results["s.b"].built_guest, results["s.b"].compiled) == (True, True)
    assert run_artifact(root / ".asml/build/s/b") == b"ok-B"


def test_builds_are_identical_in_any_checkout(matrix: Path, tmp_path: Path) -> None:
    copies = []
    for name in ("one", "two"):
        copy = tmp_path / name / "matrix"
        shutil.copytree(matrix, copy, ignore=shutil.ignore_patterns(".asml", "node_modules"))
        Builder(load_project(copy), cache_dir=tmp_path / name / "cache").build(
            ["api.c", "api.rust"]
        )
        copies.append(copy)
    for function in ("c", "rust"):
        files = [sorted((c / ".asml/build/api" / function).iterdir()) for c in copies]
        assert [p.name for p in files[0]] == ["module.bin", "module.json", "module.wasm"]
        for first, second in zip(*files, strict=True):
            assert first.read_bytes() == second.read_bytes(), first.name


_WAT = GUEST_WAT


def _project(tmp_path: Path, language: str, files: dict[str, str]) -> Path:
    service = f'[functions.f]\nlanguage = "{language}"\n'
    return write_tree(
        tmp_path,
        {
            "assemblylift.toml": '[project]\nname = "p"\nengine = "wasmtime"\nservices = ["s"]\n',
            "services/s/service.toml": service,
            **{f"services/s/f/{k}": v for k, v in files.items()},
        },
    )


@pytest.mark.parametrize(
    ("language", "main", "compiler"),
    [("c", "main.c", "C compiler (zig cc)"), ("cpp", "main.cpp", "C++ compiler (zig c++)")],
)
def test_a_compile_error_names_the_compiler_and_the_files_from_the_project_root(
    tmp_path: Path, run_asml: RunAsml, language: str, main: str, compiler: str
) -> None:
    files = {
        main: '#include "lib/util.h"\nint handler(void) {\n    return nope;\n}\n',
        "lib/util.h": "static int twice(int x) {\n    return x * missing;\n}\n",
    }
    _project(tmp_path, language, files)
    result = run_asml("build")
    assert result.exit_code == 1
    assert result.stderr.lstrip("\n").splitlines()[:4] == [
        "Error: 1 function failed to build:",
        f"s.f (services/s/f): {compiler} failed (exit 1):",
        f"In file included from services/s/f/{main}:1:",
        "services/s/f/lib/util.h:2:16: error: use of undeclared identifier 'missing'",
    ]
    assert f"services/s/f/{main}:3:12: error: use of undeclared identifier 'nope'" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / ".asml/build/s/f").exists()


@pytest.mark.parametrize(
    ("wat", "message"),
    [
        (_WAT.replace('(export "handler")', '(export "main")'),
         "the module does not export a function named `handler`"),
        (_WAT.replace('(import "asml" "success"', '(import "env" "abort"'),
         "the module imports env.abort, which asml does not provide"),
        (_WAT.replace('(memory (export "memory") 1)', '(import "asml" "memory" (memory 1))'),
         "the module imports its memory; export it instead"),
        (_WAT.replace('(memory (export "memory") 1)', "(memory 1)"),
         "the module does not export its memory"),
        ("(module (func", "the WAT does not assemble:"),
    ],
)  # fmt: skip
def test_unusable_guests_are_refused(tmp_path: Path, wat: str, message: str) -> None:
    root = _project(tmp_path, "wat", {"main.wat": wat})
    with pytest.raises(BuildErrors) as raised:
        Builder(load_project(root)).build()
    assert message in str(raised.value)


def test_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    root = _project(tmp_path, "wat", {"main.wat": "(module"})
    service = root / "services/s/service.toml"
    service.write_text(service.read_text() + '\n[functions.g]\nlanguage = "wat"\n')
    write_tree(root, {"services/s/g/main.wat": wat_guest("good")})
    with pytest.raises(BuildErrors) as raised:
        Builder(load_project(root)).build()
    assert len(raised.value.errors) == 1
    assert run_artifact(root / ".asml/build/s/g") == b"good"


def test_unknown_names_are_refused(matrix: Path) -> None:
    with pytest.raises(pipeline.AsmlError, match=r"api\.nope: no such service or function"):
        Builder(load_project(matrix)).build(["api.nope"])


@pytest.mark.parametrize("language", ["c", "cpp"])
def test_debian_clang_when_preferred(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asml.scaffold.project import InitOptions, init_project

    monkeypatch.setenv("ASML_C_TOOLCHAIN", "clang")
    root = init_project(tmp_path / "p", InitOptions(language=language, engine="wasmer-llvm"))
    (result,) = Builder(load_project(root)).build()
    assert result.built_guest and result.compiled
    assert run_artifact(root / ".asml/build/api/hello") == hello_response("hello").encode()


def test_an_unknown_c_toolchain_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from asml.scaffold.project import InitOptions, init_project

    monkeypatch.setenv("ASML_C_TOOLCHAIN", "gcc")
    root = init_project(tmp_path / "p", InitOptions(engine="wasmtime"))
    with pytest.raises(BuildErrors, match='ASML_C_TOOLCHAIN="gcc" is not a C toolchain'):
        Builder(load_project(root)).build()
