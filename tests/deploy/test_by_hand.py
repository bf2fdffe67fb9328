"""After an apply: `asml outputs` finds the stage that was applied, and `asml tf` runs
Terraform by hand on it, as a real process attached to the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import make_project

LOCAL = ("--target", "local")


def _asml(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asml", *args], cwd=root, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_outputs_and_tf_find_the_applied_stage(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    nothing = run_asml("outputs", cwd=root)
    assert nothing.exit_code == 1
    assert nothing.stderr == (
        "Error: stage default has not been applied, nor has any other: run `asml plan` and"
        " `asml apply` (with --stage NAME or --target local for another stage) first\n"
    )

    assert run_asml("plan", *LOCAL, cwd=root).exit_code == 0
    applied = run_asml("apply", *LOCAL, cwd=root)
    assert applied.exit_code == 0, applied.output
    assert "call them through `asml serve --target local`" in applied.stderr
    # the result alone on stdout; Terraform's progress per resource on stderr
    assert applied.stdout.splitlines()[0] == "Done: 18 added, 0 changed, 0 destroyed."
    assert applied.stdout.splitlines()[1] == "Endpoints:"
    assert re.fullmatch(r"  api  https://\w+\.execute-api\.us-east-1\.amazonaws\.com/?",
                        applied.stdout.splitlines()[2])  # fmt: skip
    assert "  created   module.api_hello.aws_lambda_function.this" in applied.stderr
    assert "created" not in applied.stdout

    found = run_asml("outputs", "--json", cwd=root)
    assert found.exit_code == 0, found.output
    assert found.stderr == "Using stage default (local), the one applied (flags: --target local).\n"
    assert sorted(json.loads(found.stdout)["functions"]) == ["api.bye", "api.hello"]

    listed = _asml(root, "tf", "--", "state", "list")
    assert listed.returncode == 0, listed.stderr
    assert "module.api_hello.aws_lambda_function.this" in listed.stdout.splitlines()
    assert "terraform state list (stage default (local))" in listed.stderr

    shown = _asml(root, "tf", *LOCAL, "--", "show", "-json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["values"]["root_module"]

    refused = _asml(root, "tf", *LOCAL, "--", "state", "show", "no.such")
    assert refused.returncode == 1  # Terraform's own exit code, passed through
    assert "no.such" in refused.stderr and "Traceback" not in refused.stderr
