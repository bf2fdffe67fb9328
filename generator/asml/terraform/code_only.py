"""``asml deploy --code-only``: new code for the functions whose code alone changed, without
Terraform's plan and apply (seconds, not a refresh of every resource).

It is safe only while everything but the code is what was applied. So every full apply records
(``.asml/terraform/<stage>/applied.json``) a digest of ``net/`` with the functions' code hashes
left out, and the state's lineage and serial after it. A code-only deploy refuses when the
digest differs (a configuration change: a full deploy is needed), when the state moved on since
(another machine applied), or when there is no record (a cleared cache: one full deploy makes
one). It then uploads each changed zip (UpdateFunctionCode, checked against the hash in net/),
and writes what Terraform would have recorded into the state (``terraform state push``), so the
next plan shows no changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asml.errors import AsmlError
from asml.fsutil import write_text_atomic
from asml.generate.model import Net
from asml.manifest.user_tf import USER_TF_DIR  # the user's own Terraform: net/'s module.user
from asml.package.zips import lambda_code_hash
from asml.terraform.stage import StageContext
from asml.terraform.summary import deployed_functions

_TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
# A function's module call up to its code hash: everything after it is configuration.
_FUNCTION_CODE = re.compile(
    r'(module "[^"]+" \{\n  source += "\./modules/lambda-function"\n(?:(?!\}\n)[^\n]*\n)*?'
    r'  source_code_hash += )"[^"]*"'
)


def _terraform_files(folder: Path) -> list[Path]:
    found = [p for p in folder.rglob("*") if p.is_file() and p.name.endswith(_TERRAFORM_SUFFIXES)]
    return sorted(p for p in found if ".terraform" not in p.relative_to(folder).parts)


def configuration_digest(net_dir: Path) -> str:
    """SHA-256 of net/'s Terraform (its .tf and .tfvars files, the modules' copy too) and of
    user_tf/ beside it, which net/ calls, with each function's source_code_hash left out:
    equal digests differ in functions' code at most."""
    digest = hashlib.sha256()
    for folder in (net_dir, net_dir.parent / USER_TF_DIR):
        if not folder.is_dir():
            continue
        for path in _terraform_files(folder):
            text = _FUNCTION_CODE.sub(r'\1"(code)"', path.read_text(encoding="utf-8"))
            digest.update(path.relative_to(net_dir.parent).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class Applied:
    configuration: str  # configuration_digest of the net/ applied
    lineage: str  # the state's, after the apply
    serial: int

    @staticmethod
    def path(context: StageContext) -> Path:
        return context.data_dir / "applied.json"

    @classmethod
    def read(cls, context: StageContext) -> Applied | None:
        try:
            record = json.loads(cls.path(context).read_text(encoding="utf-8"))
            return cls(record["configuration"], record["lineage"], int(record["serial"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, context: StageContext) -> None:
        record = {"configuration": self.configuration, "lineage": self.lineage,
                  "serial": self.serial}  # fmt: skip
        write_text_atomic(self.path(context), json.dumps(record, indent=2) + "\n")


@dataclass(frozen=True)
class CodeChange:
    reference: str  # service.function
    label: str  # its module's
    function_name: str  # on Lambda
    zip_path: Path
    source_code_hash: str  # the new one, from net/


def code_changes(net: Net, net_dir: Path, state: dict[str, Any]) -> list[CodeChange]:
    """The deployed functions whose code in net/ differs from what runs."""
    deployed = deployed_functions(state)
    changes = []
    for service in net.services:
        for function in service.functions:
            attributes = deployed.get(function.label)
            if attributes is None:
                raise AsmlError(
                    f"{function.reference} is not deployed yet: run `asml deploy` without"
                    " --code-only to create it"
                )
            if attributes.get("source_code_hash") == function.source_code_hash:
                continue
            zip_path = (net_dir / attributes["filename"]).resolve()
            if not zip_path.is_relative_to(net_dir.resolve()) or not zip_path.is_file():
                raise AsmlError(f"{function.reference}'s package {zip_path} is not in net/")
            name = attributes["function_name"]
            changes.append(CodeChange(function.reference, function.label, name, zip_path,
                                      function.source_code_hash))  # fmt: skip
    return changes


def upload(lambdas: Any, change: CodeChange) -> dict[str, Any]:
    """Upload one function's zip and wait until Lambda runs it; Lambda's answer."""
    data = change.zip_path.read_bytes()
    if lambda_code_hash(data) != change.source_code_hash:
        raise AsmlError(
            f"{change.zip_path} is not the package net/ names for {change.reference}: run"
            " `asml cast` again"
        )
    answer: dict[str, Any] = lambdas.update_function_code(
        FunctionName=change.function_name, ZipFile=data
    )
    if answer.get("CodeSha256") != change.source_code_hash:
        raise AsmlError(
            f"Lambda reports code {answer.get('CodeSha256')} for {change.function_name}, not"
            f" {change.source_code_hash} as uploaded; run `asml deploy` to reconcile"
        )
    lambdas.get_waiter("function_updated_v2").wait(FunctionName=change.function_name)
    return answer


def recorded(state: dict[str, Any], uploaded: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The state as Terraform would have left it after updating those functions' code
    (by module label: Lambda's answer), one serial on."""
    for resource in state.get("resources", []):
        label = str(resource.get("module", "")).removeprefix("module.")
        if resource.get("type") != "aws_lambda_function" or label not in uploaded:
            continue
        answer = uploaded[label]
        for instance in resource.get("instances", []):
            attributes = instance["attributes"]
            attributes["source_code_hash"] = answer["CodeSha256"]
            attributes["code_sha256"] = answer["CodeSha256"]
            attributes["last_modified"] = answer.get("LastModified", attributes["last_modified"])
            if "source_code_size" in attributes and "CodeSize" in answer:
                attributes["source_code_size"] = answer["CodeSize"]
    state["serial"] = int(state.get("serial", 0)) + 1
    return state
