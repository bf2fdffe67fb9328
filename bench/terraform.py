"""``asml plan`` against a raw ``terraform plan`` of the same generated net/, nothing to rebuild;
and a code change deployed in full (``asml deploy``) against ``asml deploy --code-only``.

The plans run against moto on 127.0.0.1 with the real AWS provider, from the same Terraform data
directory and state, so the difference is what asml adds: loading the project, checking the
build cache, rewriting nothing in net/, and summarizing the plan. Rounds alternate the two and
the ratio is the median of per-round ratios. (Uses the tests' helpers for moto and for
Terraform's offline provider mirror.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.local_aws import running_moto
from tests.terraform import make_terraform

from asml.environment import changed
from asml.manifest import load_project
from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from asml.terraform.stage import stage_context
from bench.harness import Table, median_ratio, seconds

GOAL_RATIO = 1.2
GOAL_CODE_ONLY = 1 / 5


def _timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def tables(quick: bool) -> list[Table]:
    rounds = 2 if quick else 7
    table = Table(
        "`asml plan` vs raw `terraform plan` (same net/, nothing to rebuild, moto)",
        ["command", "median", "vs raw terraform plan"],
    )
    with tempfile.TemporaryDirectory(prefix="asml-bench-tf-") as scratch_name:
        scratch = Path(scratch_name)
        terraform = make_terraform(scratch / "terraform")
        with running_moto(scratch / "moto.log") as endpoint:
            root = init_project(scratch / "shop", InitOptions(language="c", engine="wasmtime"))
            for name in ("list", "create"):
                add_function(root, "api", name, "c", ("GET", f"/{name}"))
            manifest = root / "assemblylift.toml"
            manifest.write_text(manifest.read_text() + f'\n[local]\nendpoint = "{endpoint}"\n')
            env = {**os.environ, **terraform.env}
            asml = [sys.executable, "-m", "asml", "plan", "--target", "local"]
            subprocess.run(asml, cwd=root, env=env, check=True, capture_output=True)
            apply = [sys.executable, "-m", "asml", "apply", "--target", "local"]
            subprocess.run(apply, cwd=root, env=env, check=True, capture_output=True)
            context = stage_context(load_project(root), None, "local")
            raw_env = changed(env, context.environment())
            raw = [terraform.binary, "-chdir=net", "plan", "-input=false", "-no-color",
                   f"-out={context.data_dir / 'raw.tfplan'}"]  # fmt: skip
            ours, theirs = [], []
            for _ in range(rounds):
                ours.append(_timed(asml, root, env))
                theirs.append(_timed(raw, root, raw_env))
            deploys = _deploys(root, env, rounds)
            destroy = [sys.executable, "-m", "asml", "destroy", "--target", "local", "--yes"]
            subprocess.run(destroy, cwd=root, env=env, check=True, capture_output=True)
    ratio = median_ratio(ours, theirs)
    ordered = sorted(ours), sorted(theirs)
    table.rows += [
        ["`asml plan` (3 functions)", seconds(ordered[0][len(ours) // 2]), f"{ratio:.2f}x"],
        ["`terraform plan`", seconds(ordered[1][len(theirs) // 2]), "1.00x"],
    ]
    table.notes += [
        f"{rounds} alternating rounds after one plan and apply; the ratio is the median of"
        " per-round ratios",
        f"goal: ≤ {GOAL_RATIO}x when nothing needs rebuilding: {ratio:.2f}x"
        f" ({'met' if ratio <= GOAL_RATIO else 'NOT met'})",
    ]
    return [table, deploys]


def _deploys(root: Path, env: dict[str, str], rounds: int) -> Table:
    """Each round changes one function's code and deploys it both ways, in turn."""
    deploy = [sys.executable, "-m", "asml", "deploy", "--target", "local", "--yes"]
    source = root / "services" / "api" / "hello" / "main.c"
    original = source.read_text(encoding="utf-8")
    full, code_only = [], []
    for round_number in range(rounds):
        source.write_text(original.replace("Hello", f"Hello {round_number}a"), encoding="utf-8")
        full.append(_timed(deploy, root, env))
        source.write_text(original.replace("Hello", f"Hello {round_number}b"), encoding="utf-8")
        code_only.append(_timed([*deploy, "--code-only"], root, env))
    ratio = median_ratio(code_only, full)
    table = Table(
        "A code change to one of 3 functions: `asml deploy` vs `asml deploy --code-only` (moto)",
        ["command", "median", "vs full deploy"],
    )
    table.rows += [
        ["`asml deploy --yes` (plan and apply)", seconds(sorted(full)[rounds // 2]), "1.00x"],
        ["`asml deploy --code-only --yes`", seconds(sorted(code_only)[rounds // 2]),
         f"{ratio:.2f}x"],
    ]  # fmt: skip
    table.notes += [
        f"{rounds} rounds, each a rebuild of the changed function then its deploy, in a fresh"
        " process; the ratio is the median of per-round ratios",
        f"goal: ≤ {GOAL_CODE_ONLY:.2f}x of a full deploy: {ratio:.2f}x"
        f" ({'met' if ratio <= GOAL_CODE_ONLY else 'NOT met'})",
    ]
    return table
