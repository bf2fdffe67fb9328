"""`asml deploy`: plan, ask, apply in one step; `--code-only`: new code through Lambda's API
with the state kept so that the next plan shows no changes, and refused for anything else."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import client, hash_in_net, make_project

LOCAL = ("--target", "local")


def _deployed_hash(moto: str, function: str) -> str:
    answer = client(moto, "lambda").get_function(FunctionName=f"asml-shop-api-{function}")
    return str(answer["Configuration"]["CodeSha256"])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_deploy_asks_unless_told_and_code_only_updates_just_the_code(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    unasked = run_asml("deploy", *LOCAL, cwd=root)
    assert unasked.exit_code == 1
    assert unasked.stderr.endswith(
        "Error: asml deploy asks before it changes anything: pass --yes to go on (CI)\n"
    )
    assert "Plan: 18 to add, 0 to change, 0 to destroy." in unasked.stdout
    assert client(local_aws, "lambda").list_functions()["Functions"] == []

    deployed = run_asml("deploy", *LOCAL, "--yes", cwd=root)
    assert deployed.exit_code == 0, deployed.output
    assert "Plan: 18 to add" in deployed.stdout and "Endpoints:" in deployed.stdout

    nothing = run_asml("deploy", *LOCAL, "--code-only", "--yes", cwd=root)
    assert nothing.exit_code == 0, nothing.output
    assert nothing.stdout == "No code changes: every function runs the code in net/.\n"

    bye_before = _deployed_hash(local_aws, "bye")
    _edit(root / "services/api/hello/main.c", "Hello", "Howdy")
    updated = run_asml("deploy", *LOCAL, "--code-only", "--yes", cwd=root)
    assert updated.exit_code == 0, updated.output
    assert updated.stdout.startswith("New code for: api.hello\nDone: 1 function(s) updated in ")
    assert _deployed_hash(local_aws, "hello") == hash_in_net(root, "hello")
    assert _deployed_hash(local_aws, "bye") == bye_before  # untouched
    replanned = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert replanned.exit_code == 0, replanned.output  # the state records the new code

    _edit(root / "services/api/hello/main.c", "Howdy", "Hi")
    _edit(root / "services/api/service.toml", "[functions.hello]\n",
          "[functions.hello]\nmemory_mb = 512\n")  # fmt: skip
    refused = run_asml("deploy", *LOCAL, "--code-only", "--yes", cwd=root)
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        "Error: stage default (local)'s configuration changed since its last apply, not only"
        " functions' code: run `asml deploy --target local` without --code-only to plan it\n"
    )
    assert _deployed_hash(local_aws, "hello") != hash_in_net(root, "hello")

    shutil.rmtree(root / ".asml")
    forgotten = run_asml("deploy", *LOCAL, "--code-only", "--yes", cwd=root)
    assert forgotten.exit_code == 1
    assert forgotten.stderr.endswith(
        "Error: --code-only needs a record of stage default (local)'s last full apply from this"
        " machine (.asml/terraform/_default-local/applied.json), and there is none: run `asml"
        " deploy --target local` once, then --code-only for code changes\n"
    )

    full = run_asml("deploy", *LOCAL, "--yes", cwd=root)
    assert full.exit_code == 0, full.output
    assert "memory_size: 256 -> 512" in full.stdout
    assert _deployed_hash(local_aws, "hello") == hash_in_net(root, "hello")
    assert run_asml("destroy", *LOCAL, "--yes", cwd=root).exit_code == 0
