"""Rust guests' crates: there is no registry, so `asml check` says what cannot be built, and
`asml build` links path dependencies and `cargo vendor`ed crates with rustc alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asml.build.guests.cargo import resolve
from asml.build.pipeline import Builder
from asml.manifest import load_project
from tests.build.runner import run_artifact
from tests.conftest import RunAsml, write_tree

PROJECT = '[project]\nname = "p"\nengine = "wasmtime"\nservices = ["api"]\n'
PACKAGE = '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n'
HELLO = 'asml::handler!(handler, |_event| asml::http_json(200, "{}"));\n'
REGISTRY_PROBLEM = (
    "services/api/hello/Cargo.toml: `dependencies.serde`: serde would come from crates.io, but"
    " asml builds Rust functions offline, with rustc alone: there is no crate registry (and no"
    " cargo) here; vendor it: run `cargo vendor` beside Cargo.toml on a machine with internet"
    " and put the source replacement it prints"
    ' (`[source.crates-io] replace-with = "vendored-sources"`) in .cargo/config.toml there, or'
    ' make it a path dependency: `serde = { path = "..." }`'
)


def _project(root: Path, cargo: str, files: dict[str, str] | None = None) -> Path:
    return write_tree(
        root,
        {
            "assemblylift.toml": PROJECT,
            "services/api/service.toml": '[functions.hello]\nlanguage = "rust"\n',
            "services/api/hello/Cargo.toml": PACKAGE + cargo,
            "services/api/hello/src/lib.rs": HELLO,
            **(files or {}),
        },
    )


REGISTRY = '\n[dependencies]\nasml = "0.1"\nserde = { version = "1", features = ["derive"] }\n'


def test_check_says_a_registry_crate_cannot_be_had(run_asml: RunAsml, tmp_path: Path) -> None:
    _project(tmp_path, REGISTRY)
    result = run_asml("check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{REGISTRY_PROBLEM}\nError: 1 error in Rust crates\n"

    report = json.loads(run_asml("check", "--json").stdout)
    assert report["valid"] is False
    assert [(p["file"], p["key"]) for p in report["problems"]] == [
        ("services/api/hello/Cargo.toml", "dependencies.serde")
    ]


def test_build_stops_with_the_same_message_before_compiling(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    _project(tmp_path, REGISTRY)
    result = run_asml("build")
    assert result.exit_code == 1
    assert result.stderr.lstrip("\n") == (  # after the progress display's blank line
        "Error: 1 function failed to build:\n"
        "api.hello (services/api/hello): Cargo.toml asks for what asml cannot build"
        " (`asml check` says so too):\n"
        f"{REGISTRY_PROBLEM}\n"
    )


GREETING = {
    "crates/greeting/Cargo.toml": (
        '[package]\nname = "greeting"\nversion = "0.2.0"\nedition = "2021"\n\n'
        '[features]\ndefault = []\nloud = []\n\n[dependencies]\nasml = "*"\n'
    ),
    "crates/greeting/src/lib.rs": (
        "pub fn text() -> String {\n"
        '    let text = format!("hi {}", env!("CARGO_PKG_VERSION"));\n'
        '    if cfg!(feature = "loud") { text.to_uppercase() } else { text }\n'
        "}\n"
    ),
    # What `cargo vendor` leaves: the crates in vendor/, the replacement in .cargo/config.toml.
    "services/api/hello/vendor/digits/Cargo.toml": (
        '[package]\nname = "digits"\nversion = "1.0.0"\nedition = "2018"\n'
    ),
    "services/api/hello/vendor/digits/src/lib.rs": (
        "pub fn of(n: u32) -> String {\n    n.to_string()\n}\n"
    ),
    "services/api/hello/.cargo/config.toml": (
        '[source.crates-io]\nreplace-with = "vendored-sources"\n\n'
        '[source.vendored-sources]\ndirectory = "vendor"\n'
    ),
    "services/api/hello/src/lib.rs": (
        "asml::handler!(handler, |_event| {\n"
        '    let body = format!("{} {}", greeting::text(), digits::of(42));\n'
        "    asml::respond(body.as_bytes())\n"
        "});\n"
    ),
}
CRATES = (
    '\n[dependencies]\ngreeting = { path = "../../../crates/greeting", features = ["loud"] }\n'
    'digits = "1"\n\n'
    "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n"
)


def test_path_and_vendored_crates_are_linked(run_asml: RunAsml, tmp_path: Path) -> None:
    root = _project(tmp_path, CRATES, GREETING)
    assert run_asml("check").exit_code == 0
    Builder(load_project(root)).build()
    assert run_artifact(root / ".asml/build/api/hello") == b"HI 0.2.0 42"

    # A crate outside the function's folder is a source of it too: a change rebuilds it.
    lib = root / "crates/greeting/src/lib.rs"
    lib.write_text(lib.read_text().replace('"hi {}"', '"hey {}"'))
    (result,) = Builder(load_project(root)).build()
    assert result.built_guest
    assert run_artifact(root / ".asml/build/api/hello") == b"HEY 0.2.0 42"


@pytest.mark.parametrize(
    ("cargo", "files", "problem"),
    [
        ('\n[dependencies]\nsdk = { package = "x", git = "https://example.com/x" }\n', {},
         "services/api/hello/Cargo.toml: `dependencies.sdk`: sdk would come from git"
         " (https://example.com/x), but asml builds Rust functions offline"),
        ('\n[dependencies]\nshared = { path = "../shared" }\n', {},
         "services/api/hello/Cargo.toml: `dependencies.shared`: ../shared has no Cargo.toml;"
         " `path` must name the folder of a crate"),
        ('\n[dependencies]\nshared = { path = "../shared" }\n',
         {"services/api/shared/Cargo.toml": '[package]\nname = "shared"\n',
          "services/api/shared/src/lib.rs": "", "services/api/shared/build.rs": ""},
         "services/api/shared/Cargo.toml: `package.build`: shared has a build script (build.rs),"
         " which asml does not run (it compiles with rustc, not cargo); use a crate without one"),
        ("\n[target.'cfg(target_os = \"wasi\")'.dependencies]\nwasi = \"0.11\"\n", {},
         "services/api/hello/Cargo.toml: `target.\"cfg(target_os = \\\"wasi\\\")\".dependencies"
         ".wasi`: wasi would come from crates.io"),
        ('\n[dependencies]\ndigits = "1"\n',
         {"services/api/hello/.cargo/config.toml": '[source.crates-io]\nreplace-with = "v"\n'
                                                   '[source.v]\ndirectory = "vendor"\n'},
         "services/api/hello/Cargo.toml: `dependencies.digits`: digits is not in"
         " services/api/hello/vendor/, where services/api/hello/.cargo/config.toml says vendored"
         " crates are; run `cargo vendor` again on a machine with internet"),
        ('\n[dependencies]\ndigits = "1"\n',
         {"services/api/hello/.cargo/config.toml": '[source.crates-io]\nreplace-with = "v"\n'
                                                   '[source.v]\ndirectory = "vendor"\n',
          "services/api/hello/vendor/digits-derive/Cargo.toml":
              '[package]\nname = "digits-derive"\n'},
         "services/api/hello/Cargo.toml: `dependencies.digits`: digits is not in"
         " services/api/hello/vendor/"),
        ("\n[dependencies]\nrand = { version = \"0.8\", optional = true }\n"
         '[features]\ndefault = ["rand"]\n', {},
         "services/api/hello/Cargo.toml: `dependencies.rand`: rand would come from crates.io"),
    ],
)  # fmt: skip
def test_what_cannot_be_built_is_named(
    tmp_path: Path, cargo: str, files: dict[str, str], problem: str
) -> None:
    root = _project(tmp_path, cargo, files)
    (found,) = resolve(root / "services/api/hello", root).problems
    assert str(found).startswith(problem)


def test_optional_crates_that_no_feature_turns_on_are_not_needed(tmp_path: Path) -> None:
    cargo = (
        '\n[dependencies]\nrand = { version = "0.8", optional = true }\n[features]\nr = ["rand"]\n'
    )
    root = _project(tmp_path, cargo)
    resolution = resolve(root / "services/api/hello", root)
    assert resolution.problems == []
    assert resolution.main is not None and resolution.main.externs == ()


def test_a_compile_error_in_a_path_crate_names_it_from_the_project_root(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    broken = {**GREETING, "crates/greeting/src/lib.rs": 'pub fn text() -> u32 {\n    "x"\n}\n'}
    _project(tmp_path, CRATES, broken)
    result = run_asml("build")
    assert result.exit_code == 1
    lines = result.stderr.lstrip("\n").splitlines()
    assert lines[1] == "api.hello (services/api/hello): Rust compiler (rustc) failed (exit 1):"
    assert " --> crates/greeting/src/lib.rs:2:5" in lines
