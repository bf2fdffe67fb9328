"""The IOmods that ship with asml: coordinates -> the module that runs each one."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from asml_iomods.manifest import PYTHON, IomodManifest

STANDARD: Mapping[str, str] = {
    "akkoro.std.http": "asml_iomods.std.http",
    "akkoro.std.crypto": "asml_iomods.std.crypto",
    "akkoro.aws.dynamodb": "asml_iomods.aws.dynamodb",
    "akkoro.aws.s3": "asml_iomods.aws.s3",
    "akkoro.aws.secretsmanager": "asml_iomods.aws.secretsmanager",
    "akkoro.aws.lambda": "asml_iomods.aws.lambda_",
}


def standard_manifest(coordinates: str) -> IomodManifest:
    """The manifest of a standard IOmod, from its declarations (imports its module)."""
    module_name = STANDARD[coordinates]
    module = importlib.import_module(module_name)
    manifest: IomodManifest = module.iomod.manifest([PYTHON, "-m", module_name])
    return manifest
