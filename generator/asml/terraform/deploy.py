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
from dataclasses import replace
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
from asml.terraform.code_only import (
    Applied,
    CodeChange,
    code_changes,
    configuration_digest,
    recorded,
    upload,
)
from asml.terraform.deployed import keep_copies
from asml.terraform.diff import changes_by_address
from asml.terraform.events import Change, change_of
from asml.terraform.existing import tagged_resources
from asml.terraform.session import stage_client
from asml.terraform.stage import LEGACY_STATE_DIR, STATE_DIR, StageContext, flags_of
from asml.terraform.summary import Summary, summarize

Report = Callable[[dict[str, Any]], None]
Say = Callable[[str], None]
# Terraform commands that `asml tf` runs without the local AWS or a `terraform init` first.
_NEEDS_NOTHING = frozenset({"", "fmt", "version", "-version", "-help", "-h", "--help"})
_INIT_MARKER = "asml-init.json"  # what the last `terraform init` of the stage was for
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


def _quiet(_: str) -> None:
    pass


class _LayerSay:
    """Packaging progress through the deployment's ``say``: an uncached layer takes seconds."""

    def __init__(self, say: Say) -> None:
        self.say = say

    def started(self, layer: str) -> None:
        self.say(f"Packaging {layer} ...")

    def finished(self, layer: str, seconds: float) -> None:
        self.say(f"Packaged {layer} in {seconds:.1f} s")


class Deployment:
    def __init__(self, project: Project, context: StageContext, say: Say = _quiet) -> None:
        self.project = project
        self.context = context
        self.say = say
        self.terraform = Terraform(find_terraform(), context)
        self._move_legacy_state()

    def _move_legacy_state(self) -> None:
        """State that an older asml kept under .asml/ moves to terraform-state/, once."""
        if self.context.backend != "local":
            return
        state = Path(self.context.backend_config["path"])
        legacy = self.project.root / LEGACY_STATE_DIR / self.context.key
        if state.parent.exists() or not legacy.is_dir():
            return
        state.parent.parent.mkdir(parents=True, exist_ok=True)
        legacy.rename(state.parent)
        self.say(
            f"Moved stage {self.context.label}'s Terraform state from {LEGACY_STATE_DIR}/ to"
            f" {STATE_DIR}/: .asml/ is a cache, the state is not."
        )

    def cast(self) -> Net:
        """Build (from the cache when nothing changed) and bring net/ up to date; for AWS,
        refuse layers whose native code needs a newer glibc than Lambda's."""
        generated = generate(self.project, Builder(self.project).build(), _LayerSay(self.say))
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
        marker = self.context.data_dir / _INIT_MARKER
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
        self._prepare()  # before the build: a missing local AWS is said at once
        net = self.cast()
        self.init()
        self.context.plan_record.unlink(missing_ok=True)
        state = self._state()
        if not state.get("lineage"):  # no state at all (a destroyed stage keeps its lineage)
            self._refuse_if_deployed()
        messages = self.terraform.plan(self.context.plan_file)
        changes = [c for c in (change_of(m) for m in messages) if c is not None]
        if any(c.action in ("update", "replace") for c in changes):
            changes = self._with_attributes(changes)
        summary = summarize(net, changes, state)
        record = {
            "net": net_fingerprint(self.context.net_dir),
            "stage": self.context.stage,
            "target": self.context.target,
            "summary": summary.to_json(),
        }
        write_text_atomic(self.context.plan_record, json.dumps(record, indent=2) + "\n")
        return summary

    def _with_attributes(self, changes: list[Change]) -> list[Change]:
        """Each update and replace with the attributes it changes (the streamed messages
        do not say; the saved plan does)."""
        found = changes_by_address(self.terraform.show_plan(self.context.plan_file))
        return [replace(c, attributes=tuple(found.get(c.address, ()))) for c in changes]

    def _where_state_is(self) -> str:
        if self.context.backend == "local":
            path = Path(self.context.backend_config["path"])
            return path.relative_to(self.project.root).as_posix()
        settings = self.project.manifest.terraform
        return f"s3://{settings.state_bucket}/{self.context.backend_config['key']}"

    def _refuse_if_deployed(self) -> None:
        """An empty state while the stage's resources exist: the state was lost or moved."""
        found = tagged_resources(self.project.name, self.context)
        if found.failure is not None:
            self.say(
                f"Warning: could not check whether stage {self.context.label} is already"
                f" deployed ({found.failure}); planning as if it were not."
            )
            return
        if not found.arns:
            return
        shown = "".join(f"\n  {arn}" for arn in found.arns[:5])
        more = f"\n  ... and {len(found.arns) - 5} more" if len(found.arns) > 5 else ""
        raise AsmlError(
            f"stage {self.context.label} has no Terraform state ({self._where_state_is()}), but"
            f" {len(found.arns)} resource(s) tagged asml:project={self.project.name},"
            f" asml:stage={self.context.tag_value} already exist in {self.context.region}:"
            f"{shown}{more}\nPlanning now would create them all again. If the state was moved"
            " or deleted, put it back (or set [terraform] state_bucket to where it is kept);"
            f" if these resources are left over, delete them, then plan again."
        )

    def apply(self, report: Report) -> dict[str, Any]:
        record_path = self.context.plan_record
        if not record_path.is_file() or not self.context.plan_file.is_file():
            raise AsmlError(
                f"there is no saved plan for stage {self.context.label}; run `asml plan"
                f"{self.flags()}` first, review it, then `asml apply{self.flags()}`"
            )
        record = json.loads(record_path.read_text(encoding="utf-8"))
        self._prepare()
        self.cast()
        if net_fingerprint(self.context.net_dir) != record["net"]:
            raise AsmlError(
                "the project changed since `asml plan`, so the saved plan no longer matches"
                f" it; run `asml plan{self.flags()}` again and review the new plan"
            )
        self.init()
        Applied.path(self.context).unlink(missing_ok=True)
        self.terraform.apply(self.context.plan_file, report)
        self.context.plan_file.unlink(missing_ok=True)
        record_path.unlink(missing_ok=True)
        state = self._state()
        self._record_applied(state)
        if self.context.target == "local":
            keep_copies(self.context, self.context.net_dir, state)
        return self.terraform.outputs()

    def _record_applied(self, state: dict[str, Any]) -> None:
        """What a code-only deploy checks: the configuration applied, the state after it."""
        digest = configuration_digest(self.context.net_dir)
        Applied(digest, state.get("lineage", ""), int(state.get("serial", 0))).write(self.context)

    def deploy_code(self, confirm: Callable[[list[CodeChange]], None]) -> list[CodeChange]:
        """New code for the functions whose code alone changed since the last full apply
        (``asml deploy --code-only``); the ones updated. ``confirm`` raises to stop."""
        self._prepare()
        net = self.cast()
        label, flags = self.context.label, self.flags()
        applied = Applied.read(self.context)
        if applied is None:
            raise AsmlError(
                f"--code-only needs a record of stage {label}'s last full apply from this"
                f" machine ({Applied.path(self.context).relative_to(self.project.root)}), and"
                f" there is none: run `asml deploy{flags}` once, then --code-only for code changes"
            )
        if configuration_digest(self.context.net_dir) != applied.configuration:
            raise AsmlError(
                f"stage {label}'s configuration changed since its last apply, not only"
                f" functions' code: run `asml deploy{flags}` without --code-only to plan it"
            )
        state = self._state()
        if (state.get("lineage"), state.get("serial")) != (applied.lineage, applied.serial):
            raise AsmlError(
                f"stage {label}'s Terraform state changed since this machine last applied it"
                f" (an apply from elsewhere?): run `asml deploy{flags}` without --code-only"
            )
        changes = code_changes(net, self.context.net_dir, state)
        if not changes:
            return []
        confirm(changes)
        self._upload(changes, state)
        return changes

    def _upload(self, changes: list[CodeChange], state: dict[str, Any]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        lambdas = stage_client(self.context, "lambda")
        uploaded: dict[str, dict[str, Any]] = {}
        try:
            for change in changes:
                self.say(f"  updating  {change.reference} ({change.function_name})")
                try:
                    uploaded[change.label] = upload(lambdas, change)
                except (BotoCoreError, ClientError) as error:
                    raise AsmlError(f"updating {change.reference}'s code failed: {error}") from None
        finally:
            if uploaded:  # what did change is recorded even when a later upload failed
                done = [c.reference for c in changes if c.label in uploaded]
                self._record_uploaded(recorded(state, uploaded), done)

    def _record_uploaded(self, state: dict[str, Any], references: list[str]) -> None:
        try:
            self.init()
            self.terraform.push_state(state)
        except AsmlError as error:
            raise AsmlError(
                f"the new code of {', '.join(references)} is deployed, but recording it in the"
                f" Terraform state failed ({error}); the next `asml plan{self.flags()}` shows"
                " those functions as changed, and `asml deploy` reconciles them"
            ) from None
        self._record_applied(state)
        if self.context.target == "local":
            keep_copies(self.context, self.context.net_dir, state)

    def destroy(self, report: Report) -> None:
        # Destroying needs the configuration (providers, modules), not a build: a project
        # whose code no longer compiles can still be taken down.
        if not (self.context.net_dir / "main.tf").is_file():
            self.cast()
        self._prepare()
        self.init()
        self.context.plan_record.unlink(missing_ok=True)
        Applied.path(self.context).unlink(missing_ok=True)
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
        return flags_of(self.context)

    def terraform_by_hand(self, args: tuple[str, ...]) -> int:
        """Terraform run on the stage with ``args`` as given (``asml tf``)."""
        if not (self.context.net_dir / "main.tf").is_file():
            raise AsmlError("net/ does not exist yet: run `asml cast` (or `asml plan`) first")
        command = args[0] if args else ""
        if command not in _NEEDS_NOTHING:
            self._prepare()
        if command not in _NEEDS_NOTHING and command != "init":
            self.init()
        code = self.terraform.run(args)
        if command == "init":  # asml's next command initialises again, its own way
            (self.context.data_dir / _INIT_MARKER).unlink(missing_ok=True)
        return code
