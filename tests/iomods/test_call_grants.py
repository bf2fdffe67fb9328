"""A function that names some calls of an IOmod gets the IAM actions of those calls only, for
every standard IOmod; names it cannot use are errors at `asml check`, with file, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from asml.generate.iam import statements
from asml.manifest.model import IomodDependency
from asml.scaffold.project import InitOptions, init_project
from asml_iomods.catalog import standard_manifest
from tests.conftest import RunAsml

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/todos"

# (coordinates, the calls a function names, the actions its role must get), written by hand
# from what each call does in AWS: a regression in the IOmods' declarations shows up here.
CASES = [
    ("akkoro.aws.dynamodb", {"get_item"}, ["dynamodb:GetItem"]),
    ("akkoro.aws.dynamodb", {"get_item", "query", "scan"},
     ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]),
    ("akkoro.aws.dynamodb", {"transact_write_items"},
     ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
      "dynamodb:UpdateItem"]),
    ("akkoro.aws.s3", {"get_object", "list_objects_v2"}, ["s3:GetObject", "s3:ListBucket"]),
    ("akkoro.aws.s3", {"copy_object"}, ["s3:GetObject", "s3:PutObject"]),
    ("akkoro.aws.secretsmanager", {"get_secret_value"}, ["secretsmanager:GetSecretValue"]),
    ("akkoro.aws.lambda", {"invoke"}, ["lambda:InvokeFunction"]),
    ("akkoro.std.http", {"request"}, []),
    ("akkoro.std.crypto", {"uuid4", "hash"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("coordinates", "calls", "actions"), CASES)
def test_the_role_gets_the_actions_of_the_calls_named(
    coordinates: str, calls: set[str], actions: list[str]
) -> None:
    dependency = IomodDependency(coordinates=coordinates, resources=[ARN])
    found = statements({"it": (dependency, standard_manifest(coordinates))}, [],
                       {"it": frozenset(calls)})  # fmt: skip
    assert [list(s.actions) for s in found] == ([actions] if actions else [])


def test_naming_the_iomod_alone_keeps_every_call() -> None:
    dependency = IomodDependency(coordinates="akkoro.aws.dynamodb", resources=[ARN])
    (found,) = statements({"it": (dependency, standard_manifest("akkoro.aws.dynamodb"))}, [])
    assert list(found.actions) == [
        "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
        "dynamodb:Scan", "dynamodb:UpdateItem",
    ]  # fmt: skip


def _shop(tmp_path: Path, uses: str) -> Path:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    service = root / "services" / "api" / "service.toml"
    text = service.read_text().replace(
        "[functions.hello]\n", f"[functions.hello]\niomods = {uses}\n"
    )
    service.write_text(
        text + f'\n[iomods.table]\ncoordinates = "akkoro.aws.dynamodb"\nresources = ["{ARN}"]\n'
    )
    return root


@pytest.mark.parametrize(
    ("uses", "said"),
    [
        ('["table.get"]',
         'services/api/service.toml: `functions.hello.iomods[0]`: IOmod table'
         ' (akkoro.aws.dynamodb) has no call "get"; its calls: table.batch_get_item,'
         " table.batch_write_item, table.delete_item, table.get_item, table.put_item,"
         " table.query, table.scan, table.transact_get_items, table.transact_write_items,"
         " table.update_item\nError: 1 error in IOmod dependencies\n"),
        ('["table", "table.get_item"]',
         'services/api/service.toml: `functions.hello.iomods[1]`: "table" (every call) and'
         ' "table.CALL" (one call) are both listed; keep "table" for every call, or only the'
         " calls the function makes\nError: 1 error in the project manifests\n"),
        ('["table.scan", "table.scan"]',
         'services/api/service.toml: `functions.hello.iomods[1]`: "table.scan" is listed'
         " twice; remove one\nError: 1 error in the project manifests\n"),
        ('["tables.scan"]',
         'services/api/service.toml: `functions.hello.iomods[0]`: "tables" is not an IOmod of'
         ' this service (declared: "table"); add `[iomods.tables]` or remove it\n'
         "Error: 1 error in the project manifests\n"),
    ],
)  # fmt: skip
def test_names_it_cannot_use_are_errors(
    tmp_path: Path, run_asml: RunAsml, uses: str, said: str
) -> None:
    result = run_asml("check", cwd=_shop(tmp_path, uses))
    assert result.exit_code == 1
    assert result.stderr.endswith(said)


def test_check_lists_what_each_narrowed_function_gets(tmp_path: Path, run_asml: RunAsml) -> None:
    result = run_asml("check", cwd=_shop(tmp_path, '["table.get_item", "table.query"]'))
    assert result.exit_code == 0, result.output
    assert (
        "Functions that name only some calls of an IOmod, and the actions they get:\n"
        "  api.hello: table.get_item, table.query -> dynamodb:GetItem, dynamodb:Query\n"
    ) in result.stdout
