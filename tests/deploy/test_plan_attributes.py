"""A plan that changes a function's configuration says what changes, old -> new, with
environment values shown as changed only: in the terminal and in --json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import make_project

LOCAL = ("--target", "local")


def _configure(root: Path, settings: str) -> None:
    manifest = root / "services" / "api" / "service.toml"
    text = manifest.read_text().replace("[functions.hello]\n", "[functions.hello]\n" + settings)
    manifest.write_text(text)


def test_a_configuration_change_shows_each_attribute(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    _configure(root, 'memory_mb = 512\nenvironment = { GREETING = "hello-secret" }\n')
    assert run_asml("plan", *LOCAL, cwd=root).exit_code == 0
    assert run_asml("apply", *LOCAL, cwd=root).exit_code == 0

    manifest = root / "services" / "api" / "service.toml"
    manifest.write_text(
        manifest.read_text()
        .replace("memory_mb = 512", "memory_mb = 1024")
        .replace("hello-secret", "howdy-secret")
    )
    planned = run_asml("plan", *LOCAL, cwd=root)
    assert planned.exit_code == 0, planned.output
    lines = planned.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  api.hello"))
    assert lines[start:] == [
        "  api.hello  ~ lambda_function",
        "      lambda_function  environment.variables.GREETING: (changed)",
        "      lambda_function  memory_size: 512 -> 1024",
        "Plan: 0 to add, 1 to change, 0 to destroy.",
        "Saved. Apply exactly this plan with `asml apply --target local`.",
    ]
    assert "secret" not in planned.output

    as_json = run_asml("plan", *LOCAL, "--json", cwd=root)
    assert as_json.exit_code == 0, as_json.output
    summary = json.loads(as_json.stdout)
    assert "secret" not in as_json.stdout
    assert summary["groups"] == [
        {
            "name": "api.hello", "add": 0, "change": 1, "destroy": 0,
            "resources": [{
                "address": "module.api_hello.aws_lambda_function.this",
                "action": "update",
                "attributes": [
                    {"attribute": "environment.variables.GREETING", "hidden": True},
                    {"attribute": "memory_size", "before": 512, "after": 1024},
                ],
            }],
        }
    ]  # fmt: skip
