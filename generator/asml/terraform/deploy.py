"""``asml plan``, ``apply``, ``destroy`` and ``outputs`` for one stage of a project.

A plan is saved with a fingerprint of the ``net/`` it was made from. ``apply`` brings ``net/``
up to date first (a cached build is quick) and refuses the saved plan if ``net/`` is no longer
what was planned, so what is applied is what the reviewer saw.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asml.build.pipeline import Builder
from asml.errors import AsmlError
from asml.fsutil import write_text_atomic
from asml.generate.cast import generate
from asml.generate.model import Net
from asml.manifest import Project
from asml.package.layer_check import refuse_for_aws
from asml.terraform import local_aws
from asml.terraform.adapter import Terraform
from asml.terraform.binary import find_terraform
from asml.terraform.events import change_of
from asml.terraform.stage import StageContext
from asml.terraform.summary import Summary, summarize

Report = Callable[[dict[str, Any]], None]
_MODULE_CALL = re.compile(r'^module "([^"]+)" \{\n  source += "([^"]+)"', re.MULTILINE)


def net_fingerprint(net_dir: Path) -> str:
    """What a plan was made from: every .tf and .tfvars file of net/ (the zips' hashes are
    written in them)."""
    digest = hashlib.sha256()
    files = [p for p in net_dir.rglob("*") if p.suffix in (".tf", ".tfvars") and p.is_file()]
    for path in sorted(p for p in files if ".terraform" not in p.parts):
        digest.update(path.relative_to(net_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Deployment:
    def __init__(self, project: Project, context: StageContext) -> None:
        self.project = project
        self.context = context
        self.terraform = Terraform(find_terraform(), context)

    def cast(self) -> Net:
        """Build (from the cache when nothing changed) and bring net/ up to date; for AWS,
        refuse layers whose native code needs a newer glibc than Lambda's."""
        generated = generate(self.project, Builder(self.project).build())
        if self.context.target == "aws":
            refuse_for_aws(generated.too_new)
        return generated.net

    def _prepare(self) -> None:
        context = self.context
        if context.target != "local":
            return
        assert context.endpoint is not None
        local_aws.check_reachable(context.endpoint)
        settings = self.project.manifest.terraform
        if context.backend == "s3" and settings.state_bucket:
            region = settings.state_region or self.project.manifest.project.region
            local_aws.ensure_state_bucket(context.endpoint, settings.state_bucket, region)
            if settings.lock_table:
                local_aws.ensure_lock_table(context.endpoint, settings.lock_table, region)

    def _init_key(self) -> str:
        """Everything that needs a new `terraform init` when it changes."""
        net = self.context.net_dir
        calls = sorted(
            match for path in sorted(net.glob("*.tf"))
            for match in _MODULE_CALL.findall(path.read_text(encoding="utf-8"))
        )  # fmt: skip
        parts = {
            "backend_config": self.context.backend_config,
            "backend": (net / "backend.tf").read_text(encoding="utf-8"),
            "versions": (net / "versions.tf").read_text(encoding="utf-8"),
            "modules": calls,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def init(self) -> None:
        marker = self.context.data_dir / "asml-init.json"
        key = self._init_key()
        if marker.is_file() and marker.read_text(encoding="utf-8") == key:
            return
        self.terraform.init()
        write_text_atomic(marker, key)

    def _state(self) -> dict[str, Any]:
        if self.context.backend == "local":
            path = Path(self.context.backend_config["path"])
            if not path.is_file():
                return {}
            state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return state
        return self.terraform.state()

    def plan(self) -> Summary:
        net = self.cast()
        self._prepare()
        self.init()
        self.context.plan_record.unlink(missing_ok=True)
        messages = self.terraform.plan(self.context.plan_file)
        changes = [c for c in (change_of(m) for m in messages) if c is not None]
        summary = summarize(net, changes, self._state())
        record = {
            "net": net_fingerprint(self.context.net_dir),
            "stage": self.context.stage,
            "target": self.context.target,
            "summary": summary.to_json(),
        }
        write_text_atomic(self.context.plan_record, json.dumps(record, indent=2) + "\n")
        return summary

    def apply(self, report: Report) -> dict[str, Any]:
        record_path = self.context.plan_record
        if not record_path.is_file() or not self.context.plan_file.is_file():
            raise AsmlError(
                f"there is no saved plan for stage {self.context.label}; run `asml plan"
                f"{self.flags()}` first, review it, then `asml apply{self.flags()}`"
            )
        record = json.loads(record_path.read_text(encoding="utf-8"))
        self.cast()
        if net_fingerprint(self.context.net_dir) != record["net"]:
            raise AsmlError(
                "the project changed since `asml plan`, so the saved plan no longer matches"
                f" it; run `asml plan{self.flags()}` again and review the new plan"
            )
        self._prepare()
        self.init()
        self.terraform.apply(self.context.plan_file, report)
        self.context.plan_file.unlink(missing_ok=True)
        record_path.unlink(missing_ok=True)
        return self.terraform.outputs()

    def destroy(self, report: Report) -> None:
        # Destroying needs the configuration (providers, modules), not a build: a project
        # whose code no longer compiles can still be taken down.
        if not (self.context.net_dir / "main.tf").is_file():
            self.cast()
        self._prepare()
        self.init()
        self.context.plan_record.unlink(missing_ok=True)
        plan = self.context.data_dir / "destroy.tfplan"
        self.terraform.plan(plan, destroy=True)
        try:
            self.terraform.apply(plan, report)
        finally:
            plan.unlink(missing_ok=True)

    def outputs(self) -> dict[str, Any]:
        if not (self.context.net_dir / "main.tf").is_file():
            raise AsmlError("net/ does not exist yet: run `asml plan` and `asml apply` first")
        self._prepare()
        self.init()
        return self.terraform.outputs()

    def flags(self) -> str:
        """The command-line flags that name this stage and target."""
        flags = f" --stage {self.context.stage}" if self.context.stage else ""
        return flags + (" --target local" if self.context.target == "local" else "")
