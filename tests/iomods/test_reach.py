"""IOmod calls a guest names but cannot make: `asml build` and `asml check` warn about them."""

from __future__ import annotations

from pathlib import Path

import pytest

from asml.iomods.reach import calls_named
from tests.conftest import RunAsml, write_tree

STANDARD = ("akkoro.std.crypto", "akkoro.std.http", "akkoro.aws.dynamodb")


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (b"\0akkoro.std.crypto.uuid4\0", ["akkoro.std.crypto.uuid4"]),
        # two calls packed together, as a linker lays out string constants
        (b"akkoro.std.http.request\0akkoro.aws.dynamodb.put_item", ["akkoro.aws.dynamodb.put_item",
                                                                    "akkoro.std.http.request"]),
        (b"xakkoro.std.crypto.uuid4", []),  # part of a longer name
        (b"akkoro.std.crypto.uuid4x.y", ["akkoro.std.crypto.uuid4x"]),
        (b"akkoro.std.crypto.uuid4-2", ["akkoro.std.crypto.uuid4"]),
        (b"akkoro.std.crypto.", []),  # coordinates alone, the call built at run time
        (b"akkoro.std.cryptography.hash", []),  # not an IOmod asml knows
        (b"\xffakkoro.std.crypto.hash\xff", ["akkoro.std.crypto.hash"]),
    ],
)  # fmt: skip
def test_calls_named_finds_whole_call_names_of_known_iomods(
    module: bytes, expected: list[str]
) -> None:
    assert calls_named(module, STANDARD) == expected


def _guest(*strings: str) -> str:
    data = "".join(f'  (data (i32.const {64 * (i + 1)}) "{s}")\n' for i, s in enumerate(strings))
    return (
        '(module\n  (import "asml" "success" (func $success (param i32 i32)))\n'
        '  (memory (export "memory") 1)\n' + data +
        '  (func (export "asml_alloc") (param i32) (result i32) (i32.const 4096))\n'
        '  (func (export "handler") (param i32 i32) (result i32)\n'
        "    (call $success (i32.const 64) (i32.const 2)) (i32.const 0)))\n"
    )  # fmt: skip


PROJECT = {
    "assemblylift.toml": '[project]\nname = "reach"\nengine = "wasmtime"\nservices = ["api"]\n',
    "services/api/service.toml": (
        '[functions.lonely]\nlanguage = "wat"\nsource = "guest.wat"\n\n'
        '[functions.listed]\nlanguage = "wat"\nsource = "guest.wat"\niomods = ["ids"]\n\n'
        '[functions.plain]\nlanguage = "wat"\nsource = "plain.wat"\n\n'
        '[iomods.ids]\ncoordinates = "akkoro.std.crypto"\n'
    ),
    "services/api/guest.wat": _guest(
        "{}", "akkoro.std.crypto.uuid4", "akkoro.std.crypto.uuid9", "akkoro.std.http.request"
    ),
    "services/api/plain.wat": _guest("{}", "hello.world.is.not.a.call"),
}
FILE = "warning: services/api/service.toml"
EXPECTED = [
    f"{FILE}: `functions.listed.iomods`: the guest calls akkoro.std.crypto.uuid9, but IOmod"
    " akkoro.std.crypto has no call 'uuid9' (its calls: hash, hmac, random_bytes, uuid4)",
    f"{FILE}: `functions.listed.iomods`: the guest calls akkoro.std.http.request, but the"
    " function does not list IOmod akkoro.std.http, so the call fails with NotDeclared; declare"
    ' it as [iomods.NAME] with coordinates = "akkoro.std.http" and add NAME to'
    " `functions.listed.iomods`",
    f"{FILE}: `functions.lonely.iomods`: the guest calls akkoro.std.crypto.uuid4, but the"
    " function does not list IOmod akkoro.std.crypto, so the call fails with NotDeclared; add"
    " 'ids' to `functions.lonely.iomods`",
    f"{FILE}: `functions.lonely.iomods`: the guest calls akkoro.std.crypto.uuid9, but the"
    " function does not list IOmod akkoro.std.crypto, so the call fails with NotDeclared; add"
    " 'ids' to `functions.lonely.iomods`",
    f"{FILE}: `functions.lonely.iomods`: the guest calls akkoro.std.http.request, but the"
    " function does not list IOmod akkoro.std.http, so the call fails with NotDeclared; declare"
    ' it as [iomods.NAME] with coordinates = "akkoro.std.http" and add NAME to'
    " `functions.lonely.iomods`",
]


def test_build_and_check_warn_of_calls_the_function_cannot_make(
    run_asml: RunAsml, tmp_path: Path
) -> None:
    root = write_tree(tmp_path / "reach", PROJECT)
    checked_before = run_asml("check", cwd=root)
    assert checked_before.exit_code == 0
    assert "the guest calls" not in checked_before.output  # nothing is built yet: nothing known
    built = run_asml("build", cwd=root)
    assert built.exit_code == 0, built.output
    assert [line for line in built.stderr.splitlines() if "guest calls" in line] == EXPECTED
    checked = run_asml("check", cwd=root)
    assert checked.exit_code == 0
    assert [line for line in checked.stderr.splitlines() if "guest calls" in line] == EXPECTED
    assert checked.stdout.endswith('Project "reach": 1 service, 3 functions; 5 warnings.\n')


def test_a_call_outside_the_calls_a_function_names_is_unreachable() -> None:
    from asml.iomods.reach import unreachable_calls
    from asml.manifest.model import IomodDependency
    from asml_iomods.catalog import standard_manifest

    module = b"\0akkoro.aws.dynamodb.get_item\0akkoro.aws.dynamodb.scan\0"
    dependencies = {"table": IomodDependency(coordinates="akkoro.aws.dynamodb")}
    manifests = {"table": standard_manifest("akkoro.aws.dynamodb")}
    found = unreachable_calls(module, "get", ["table.get_item"], dependencies, manifests)
    assert [(u.call, u.reason) for u in found] == [(
        "akkoro.aws.dynamodb.scan",
        "the function names only table.get_item of IOmod table, so the call fails with"
        ' NotDeclared; add "table.scan" to `functions.get.iomods`',
    )]  # fmt: skip
    assert unreachable_calls(module, "get", ["table"], dependencies, manifests) == []


def test_a_call_name_run_into_the_next_string_is_still_that_call() -> None:
    """Rust lays string constants end to end: "...put_item" then "the table refused" reads
    as put_itemthe. That is put_item, reachable; a call no name begins is still reported."""
    from asml.iomods.reach import unreachable_calls
    from asml.manifest.model import IomodDependency
    from asml_iomods.catalog import standard_manifest

    dependencies = {"table": IomodDependency(coordinates="akkoro.aws.dynamodb")}
    manifests = {"table": standard_manifest("akkoro.aws.dynamodb")}
    packed = b"akkoro.aws.dynamodb.put_itemthe jobs table refused the run: "
    assert unreachable_calls(packed, "work", ["table.put_item"], dependencies, manifests) == []
    outside = unreachable_calls(packed, "work", ["table.get_item"], dependencies, manifests)
    assert [u.call for u in outside] == ["akkoro.aws.dynamodb.put_item"]
    unknown = unreachable_calls(b"akkoro.aws.dynamodb.fetch_all\0", "work", ["table"],
                                dependencies, manifests)  # fmt: skip
    assert [u.call for u in unknown] == ["akkoro.aws.dynamodb.fetch_all"]
