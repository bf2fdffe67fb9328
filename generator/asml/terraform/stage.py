"""Where a stage keeps its state, and how Terraform reaches its AWS.

Each (stage, target) pair has its own Terraform data directory and its own state, so nothing
one stage does touches another, and a rehearsal on the local AWS never mixes with the real one:

    .asml/terraform/<stage>[-local]/    Terraform's working files (TF_DATA_DIR), the saved plan:
                                        a cache, rebuilt by the next plan
    terraform-state/<stage>[-local]/    local state: the only record of what is deployed, so
                                        never under .asml/, which users delete as a cache (the
                                        S3 backend keeps it in the bucket, under the configured
                                        key with <stage>/ put before the file name)

``<stage>`` is ``_default`` for the default stage. The ``local`` target points the AWS provider
at the ``[local] endpoint`` (a moto server) through the environment only: the generated HCL
never carries endpoints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from asml.environment import EnvironmentChanges
from asml.errors import AsmlError
from asml.generate.net import NET_DIR
from asml.manifest import Project

STATE_DIR = "terraform-state"
LEGACY_STATE_DIR = Path(".asml") / "state"  # where asml kept it before 0.2
DEFAULT_STAGE = "_default"  # stage names start with a letter, so this is no stage's
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
# The user's real session and profile never go to a local endpoint beside the test keys.
LOCAL_DROPPED = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@dataclass(frozen=True)
class StageContext:
    project_root: Path
    stage: str | None  # None: the default stage
    target: str  # "aws" or "local"
    region: str
    endpoint: str | None  # the local AWS, for the local target
    backend: str  # "local" or "s3"
    backend_config: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How the user names it: ``default`` or the stage's name, and ``(local)``."""
        shown = self.stage or "default"
        return f"{shown} (local)" if self.target == "local" else shown

    @property
    def key(self) -> str:
        base = self.stage or DEFAULT_STAGE
        return f"{base}-local" if self.target == "local" else base

    @property
    def net_dir(self) -> Path:
        return self.project_root / NET_DIR

    @property
    def data_dir(self) -> Path:
        return self.project_root / ".asml" / "terraform" / self.key

    @property
    def tag_value(self) -> str:
        """The ``asml:stage`` tag every resource of this stage carries (providers.tf)."""
        return self.stage or "default"

    @property
    def plan_file(self) -> Path:
        return self.data_dir / "plan.tfplan"

    @property
    def plan_record(self) -> Path:
        return self.data_dir / "plan.json"

    @property
    def var_file(self) -> Path | None:
        """``net/stages/<stage>.tfvars`` for a named stage, relative to net/."""
        return Path("stages") / f"{self.stage}.tfvars" if self.stage else None

    def environment(self) -> EnvironmentChanges:
        """What Terraform's process needs on top of the user's environment."""
        env: EnvironmentChanges = {"TF_DATA_DIR": str(self.data_dir), "TF_IN_AUTOMATION": "1",
               "CHECKPOINT_DISABLE": "1"}  # fmt: skip
        if self.target == "local":
            assert self.endpoint is not None
            env |= local_aws_environment(self.endpoint, self.region)
            # moto keeps no Lambda log format: set, it would show as a change on every plan
            env["TF_VAR_lambda_log_format"] = ""
        return env


def local_aws_environment(endpoint: str, region: str) -> EnvironmentChanges:
    """Points AWS SDKs, the AWS provider and the S3 backend at a local AWS: all of them honour
    AWS_ENDPOINT_URL. The user's session token and profile are removed."""
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true", **LOCAL_CREDENTIALS,
            **dict.fromkeys(LOCAL_DROPPED)}  # fmt: skip


def stage_key(key: str, stage: str | None) -> str:
    """``asml/shop/terraform.tfstate`` -> ``asml/shop/prod/terraform.tfstate`` for stage prod."""
    if stage is None:
        return key
    path = PurePosixPath(key)
    return str(path.parent / stage / path.name) if str(path.parent) != "." else f"{stage}/{key}"


def stage_context(project: Project, stage: str | None, target: str | None) -> StageContext:
    manifest = project.manifest
    settings = None
    if stage is not None:
        if stage not in manifest.stages:
            known = ", ".join(sorted(manifest.stages)) or "none"
            raise AsmlError(
                f"assemblylift.toml has no [stages.{stage}] (stages: {known}); add it or drop"
                " --stage"
            )
        settings = manifest.stages[stage]
    chosen = target or (settings.target if settings is not None else "aws")
    region = (settings.region if settings is not None else None) or manifest.project.region
    terraform = manifest.terraform
    backend = terraform.backend or ("s3" if terraform.state_bucket else "local")
    context = StageContext(
        project_root=project.root,
        stage=stage,
        target=chosen,
        region=region,
        endpoint=manifest.local.endpoint if chosen == "local" else None,
        backend=backend,
    )
    config: dict[str, str]
    if backend == "s3":
        key = stage_key(terraform.state_key or f"asml/{project.name}/terraform.tfstate", stage)
        config = {"key": key}
        if chosen == "local":
            # moto serves buckets by path and has no real credentials to check
            config |= {"use_path_style": "true", "skip_credentials_validation": "true",
                       "skip_requesting_account_id": "true", "skip_metadata_api_check": "true",
                       "skip_region_validation": "true"}  # fmt: skip
    else:
        state = project.root / STATE_DIR / context.key / "terraform.tfstate"
        config = {"path": str(state)}
    return replace(context, backend_config=config)


def has_local_state(context: StageContext) -> bool:
    """Whether the stage's local state records any resource (an applied stage)."""
    if context.backend != "local":
        return False
    path = Path(context.backend_config["path"])
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("resources"))
    except (OSError, ValueError):
        return False


def applied_stages(project: Project) -> list[StageContext]:
    """Every (stage, target) whose local state records resources: what `asml outputs` and
    `asml tf` pick from when no flag names one."""
    found = []
    for stage in [None, *sorted(project.manifest.stages)]:
        for target in ("aws", "local"):
            context = stage_context(project, stage, target)
            if has_local_state(context):
                found.append(context)
    return found


def flags_of(context: StageContext) -> str:
    """The command-line flags that name this stage and target."""
    flags = f" --stage {context.stage}" if context.stage else ""
    return flags + (" --target local" if context.target == "local" else "")
