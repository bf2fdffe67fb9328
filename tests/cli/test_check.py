"""`asml check` and `asml schema`: exit codes, exact output, JSON for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunAsml, write_tree

PROJECT_A = "[project]\nname = 'x'\nservices = ['a']\n"
GOLDEN = Path(__file__).parent.parent / "manifest" / "golden"


def test_check_valid_project_from_a_subdirectory(run_asml: RunAsml) -> None:
    result = run_asml("check", cwd=GOLDEN / "valid-full" / "project" / "services" / "orders")
    assert (result.exit_code, result.output) == (
        0,
        "IOmods, and what each function that uses them may do in AWS:\n"
        "  orders.ids (akkoro.std.crypto 0.1.0): no AWS actions\n"
        "  orders.table (akkoro.aws.dynamodb 0.1.0): dynamodb:BatchGetItem,"
        " dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:DeleteItem,"
        " dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:Scan, dynamodb:UpdateItem"
        " on arn:aws:dynamodb:eu-west-1:123456789012:table/orders\n"
        "  users.ledger (acme.internal.ledger 1.0.0): dynamodb:PutItem on"
        " arn:aws:dynamodb:eu-west-1:123456789012:table/ledger\n"
        'Project "shop": 2 services, 5 functions; no problems.\n',
    )


def test_check_errors_go_to_stderr(run_asml: RunAsml) -> None:
    result = run_asml("-C", str(GOLDEN / "http-verb" / "project"), "check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'services/todo/service.toml: `functions.create.http.verb`: "FETCH" is not an HTTP'
        " method; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY\n"
        "Error: 1 error in the project manifests\n"
    )


def test_check_json(run_asml: RunAsml) -> None:
    result = run_asml("-C", str(GOLDEN / "http-warnings" / "project"), "check", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert [p["key"] for p in report["problems"]] == ["functions.report.timeout_seconds", "http"]
    assert {p["severity"] for p in report["problems"]} == {"warning"}

    failed = run_asml("-C", str(GOLDEN / "route-clash" / "project"), "check", "--json")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout) == {
        "valid": False,
        "problems": [
            {
                "file": "services/orders/service.toml",
                "key": "functions.fetch.http",
                "message": 'route "GET /orders/{key}" is also taken by function "get";'
                " change the verb or the path",
                "severity": "error",
            }
        ],
        "iomods": [],
    }


def test_project_option_must_point_at_a_project(run_asml: RunAsml, tmp_path: Path) -> None:
    result = run_asml("-C", str(tmp_path), "check")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: --project {tmp_path}: no assemblylift.toml there\n",
    )


@pytest.mark.parametrize(
    "files",
    [
        {"assemblylift.toml": "\xff garbage ["},
        {"assemblylift.toml": PROJECT_A, "services/a/": ""},
        {"assemblylift.toml": PROJECT_A, "services/a/service.toml/": ""},
        {"assemblylift.toml": "[project]\nname = 'x'\nservices = ['../../etc']\n"},
    ],
)  # fmt: skip
def test_user_mistakes_never_print_a_traceback(
    files: dict[str, str], run_asml: RunAsml, tmp_path: Path
) -> None:
    write_tree(tmp_path, files)
    result = run_asml("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.endswith(" in the project manifests\n")


def test_a_bug_is_reported_as_one(
    run_asml: RunAsml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"assemblylift.toml": "[project]\nname = 'x'\n"})

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("asml.cli.check.load_project", broken)
    result = run_asml("check")
    assert result.exit_code == 70
    assert "this is a bug in asml" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_schema_prints_both(run_asml: RunAsml) -> None:
    result = run_asml("schema")
    assert result.exit_code == 0
    both = json.loads(result.stdout)
    assert sorted(both) == ["assemblylift.toml", "service.toml"]
    assert both["service.toml"]["title"].startswith("asml service manifest")


def test_schema_writes_files(run_asml: RunAsml, tmp_path: Path) -> None:
    result = run_asml("schema", "--out", "schemas")
    assert result.output == (
        "Wrote schemas/assemblylift.schema.json\nWrote schemas/service.schema.json\n"
    )
    written = json.loads((tmp_path / "schemas" / "service.schema.json").read_text())
    assert written == json.loads(run_asml("schema", "service").stdout)
