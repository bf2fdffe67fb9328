"""`asml make`: grows a project in place, keeping the user's comments, order and style."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunAsml, tree, write_tree

PROJECT = """\
# Our shop. Keep this comment.
manifest_version = 1

[project]
name = "shop"
engine = "wasmtime"  # we deploy arm64 too
services = [
    "orders",  # the first one
]
"""

SERVICE = """\
manifest_version = 1

# Orders come in here.
[functions.create]
language = "c"  # fast
http = { verb = "POST", path = "/orders" }

[iomods.ids]
coordinates = "akkoro.std.crypto"
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "shop",
        {
            "assemblylift.toml": PROJECT,
            "services/orders/service.toml": SERVICE,
            "services/orders/create/main.c": "",
        },
    )


def test_make_service(shop: Path, run_asml: RunAsml) -> None:
    result = run_asml("make", "service", "users", cwd=shop / "services" / "orders")
    assert result.exit_code == 0, result.output
    assert result.output == (
        'Added service "users":\n  services/users/service.toml\n  assemblylift.toml\n'
    )
    assert (shop / "assemblylift.toml").read_text() == PROJECT.replace(
        '    "orders",  # the first one\n', '    "orders",  # the first one\n    "users",\n'
    )
    assert run_asml("check", cwd=shop).exit_code == 0


def test_make_function_keeps_comments_and_order(shop: Path, run_asml: RunAsml) -> None:
    result = run_asml(
        "make", "function", "orders.get", "--lang", "zig", "--http", "get /orders/{id}", cwd=shop
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        'Added function "orders.get" (zig):\n'
        "  services/orders/get\n"
        "  services/orders/service.toml\n"
    )
    assert (shop / "services/orders/service.toml").read_text() == (
        "manifest_version = 1\n"
        "\n"
        "# Orders come in here.\n"
        "[functions.create]\n"
        'language = "c"  # fast\n'
        'http = { verb = "POST", path = "/orders" }\n'
        "\n"
        "[functions.get]\n"
        'language = "zig"\n'
        'http = { verb = "GET", path = "/orders/{id}" }\n'
        "\n"
        "[iomods.ids]\n"
        'coordinates = "akkoro.std.crypto"\n'
    )
    assert (shop / "services/orders/get/main.zig").is_file()
    assert run_asml("check", cwd=shop).output == (
        "IOmods, and what each function that uses them may do in AWS:\n"
        "  orders.ids (akkoro.std.crypto 0.1.0): no AWS actions\n"
        'Project "shop": 1 service, 2 functions; no problems.\n'
    )


def test_make_function_into_a_service_without_functions(shop: Path, run_asml: RunAsml) -> None:
    assert run_asml("make", "service", "jobs", cwd=shop).exit_code == 0
    result = run_asml("make", "function", "jobs.nightly", "--lang", "rust", cwd=shop)
    assert result.exit_code == 0, result.output
    manifest = (shop / "services/jobs/service.toml").read_text()
    assert manifest.endswith('name = "jobs"\n\n[functions.nightly]\nlanguage = "rust"\n')
    assert run_asml("check", cwd=shop).exit_code == 0


def test_make_keeps_assemblylift_04_style(tmp_path: Path, run_asml: RunAsml) -> None:
    root = write_tree(
        tmp_path,
        {
            "assemblylift.toml": '[project]\nname = "ex"\n\n[[services]]\nname = "hello"\n',
            "services/hello/service.toml": (
                '[service]\nname = "hello"\n\n[[api.functions]]\nname = "world"\nlanguage = "c"\n'
            ),
            "services/hello/world/main.c": "",
        },
    )
    assert run_asml("make", "function", "hello.moon", "--lang", "c").exit_code == 0
    assert run_asml("make", "service", "other").exit_code == 0
    assert (
        (root / "services/hello/service.toml")
        .read_text()
        .endswith('[[api.functions]]\nname = "moon"\nlanguage = "c"\n')
    )
    assert (
        (root / "assemblylift.toml")
        .read_text()
        .endswith('[[services]]\nname = "hello"\n\n[[services]]\nname = "other"\n')
    )
    assert run_asml("check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["function", "orders.create", "--lang", "c"],
         'Error: services/orders/service.toml already declares function "create";'
         " choose another name\n"),
        (["function", "billing.charge", "--lang", "c"],
         'Error: service "billing" does not exist; create it first with'
         " `asml make service billing`\n"),
        (["function", "orders", "--lang", "c"],
         'Error: "orders" is not SERVICE.FUNCTION; write e.g. `asml make function todo.create`\n'),
        (["function", "orders.get", "--lang", "c", "--http", "FETCH /x"],
         'Error: --http "FETCH /x" is not "VERB /path"; write e.g. --http "GET /todos/{id}"'
         " (verbs: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)\n"),
        (["function", "orders.get", "--lang", "c", "--http", "GET /orders/"],
         'Error: --http: "/orders/" must not end with "/"; write "/orders"\n'),
        (["service", "orders"],
         "Error: services/orders already exists; choose another name\n"),
    ],
)  # fmt: skip
def test_make_refuses_and_changes_nothing(
    args: list[str], message: str, shop: Path, run_asml: RunAsml
) -> None:
    before = tree(shop)
    result = run_asml("make", *args, cwd=shop)
    assert (result.exit_code, result.output) == (1, message)
    assert tree(shop) == before


def test_make_rolls_back_a_change_that_breaks_the_project(shop: Path, run_asml: RunAsml) -> None:
    before = tree(shop)
    result = run_asml(
        "make", "function", "orders.clash", "--lang", "c", "--http", "POST /orders", cwd=shop
    )
    assert result.exit_code == 1
    assert result.output == (
        'services/orders/service.toml: `functions.clash.http`: route "POST /orders" is also'
        ' taken by function "create"; change the verb or the path\n'
        "Error: 1 error in the project manifests\n"
    )
    assert tree(shop) == before
    assert sorted(p.name for p in (shop / "services/orders").iterdir()) == [
        "create",
        "service.toml",
    ]


def test_make_names_a_broken_manifest(shop: Path, run_asml: RunAsml) -> None:
    (shop / "services/orders/service.toml").write_text("[functions\n")
    result = run_asml("make", "function", "orders.get", "--lang", "c", cwd=shop)
    assert result.exit_code == 1
    assert result.output.startswith("Error: services/orders/service.toml: cannot be edited:")
    assert result.output.endswith("; fix it first\n")


def test_make_outside_a_project(run_asml: RunAsml, tmp_path: Path) -> None:
    result = run_asml("make", "service", "x")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no assemblylift.toml in {tmp_path.resolve()} or any parent directory;"
        " run `asml init NAME` to create a project, or pass --project DIR\n"
    )
