"""The Terraform binary: ``ASML_TERRAFORM``, else ``terraform`` on PATH, at least 1.3."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from asml.errors import ToolchainError

MINIMUM = (1, 3)
INSTALL = "install Terraform 1.3 or newer (https://developer.hashicorp.com/terraform/install)"


def find_terraform() -> str:
    configured = os.environ.get("ASML_TERRAFORM")
    if configured:
        if not (shutil.which(configured)):
            raise ToolchainError(
                f"ASML_TERRAFORM={configured} is not an executable; fix it or unset it"
            )
        binary = configured
    else:
        found = shutil.which("terraform")
        if found is None:
            raise ToolchainError(f"terraform is not on PATH; {INSTALL}, or set ASML_TERRAFORM")
        binary = found
    try:
        shown = subprocess.run(
            [binary, "version", "-json"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        version = json.loads(shown)["terraform_version"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as error:
        raise ToolchainError(
            f"{binary} does not answer `terraform version -json` ({error}); {INSTALL}"
        ) from None
    numbers = tuple(int(part) for part in version.split("-")[0].split(".")[:2])
    if numbers < MINIMUM:
        raise ToolchainError(f"{binary} is Terraform {version}; {INSTALL}")
    return binary
