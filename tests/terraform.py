"""Real Terraform for tests and benchmarks: the CLI from PATH (or ASML_TERRAFORM) with the AWS
provider from the machine's filesystem mirror, so ``terraform init`` works offline and fast."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
MIRROR_ROOTS = (Path("/opt"), Path("/usr/share/terraform"), Path.home() / ".terraform.d")


def provider_mirror() -> Path:
    """The filesystem mirror that holds hashicorp/aws (ASML_TF_PROVIDER_MIRROR or a search)."""
    configured = os.environ.get("ASML_TF_PROVIDER_MIRROR")
    candidates = [Path(configured)] if configured else []
    for root in MIRROR_ROOTS:
        if root.is_dir():
            candidates += [root, *root.glob("*"), *root.glob("*/*")]
    for candidate in candidates:
        if (candidate / PROVIDER).is_dir():
            return candidate
    raise RuntimeError(
        "no filesystem mirror of the hashicorp/aws provider found under /opt, /usr/share/terraform"
        " or ~/.terraform.d; set ASML_TF_PROVIDER_MIRROR to the directory that holds"
        " registry.terraform.io/hashicorp/aws"
    )


@dataclass(frozen=True)
class Terraform:
    binary: str
    env: dict[str, str]

    def run(
        self, directory: Path, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.binary, f"-chdir={directory}", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            shown = " ".join(args)
            pytest.fail(
                f"terraform {shown} in {directory} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def validate(self, directory: Path) -> None:
        self.run(directory, "init", "-backend=false", "-input=false", "-no-color")
        self.run(directory, "validate", "-no-color")

    def fmt_problems(self, directory: Path) -> Sequence[str]:
        result = self.run(directory, "fmt", "-check", "-recursive", "-no-color", check=False)
        return result.stdout.split()


def make_terraform(scratch: Path) -> Terraform:
    binary = os.environ.get("ASML_TERRAFORM") or shutil.which("terraform")
    if not binary:
        raise RuntimeError("terraform is not on PATH (or ASML_TERRAFORM); install Terraform >= 1.3")
    cache = scratch / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    config = scratch / "terraform.rc"
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path = "{provider_mirror()}"\n  }}\n'
        '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
        "}\n"
        f'plugin_cache_dir = "{cache}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1",
           "TF_IN_AUTOMATION": "1"}  # fmt: skip
    return Terraform(binary, env)
