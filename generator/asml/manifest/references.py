"""References to outputs of the project's own Terraform (``user_tf/``) in manifest values.

``"${user_tf.table_arn}"`` stands for the output ``table_arn`` of ``user_tf/``, which ``net/``
calls as ``module "user"``: the HCL says ``module.user.table_arn``. A reference may be the whole
value or part of it (``"${user_tf.table_arn}/index/*"``). It is allowed where a value reaches
Terraform as an expression: an IOmod's ``resources``, a function's ``permissions`` resources and
its ``environment``. Anything else that starts with ``${`` stays text, as before (an IAM policy
variable such as ``${aws:username}``), and ``$${user_tf.`` writes ``${user_tf.`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asml.manifest.model import ProjectManifest
from asml.manifest.problems import KeyPath, Problem
from asml.manifest.report import FileReport
from asml.manifest.user_tf import USER_TF_DIR, UserTerraform, UserTfError, read_user_tf

OUTPUT_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_REFERENCE = re.compile(rf"\$\{{user_tf\.({OUTPUT_NAME})\}}")
# What starts a reference (or a mistaken one), or its escape: a doubled $.
_START = re.compile(r"\$?\$\{(?=\s*(?:user_tf|module\s*\.\s*user)\b)")
_DOTTED = re.compile(rf"\$\{{user_tf\.{OUTPUT_NAME}(\.{OUTPUT_NAME})+\}}")
_TERRAFORM_FORM = re.compile(rf"\$\{{\s*module\s*\.\s*user\s*\.\s*({OUTPUT_NAME})\s*\}}")
SYNTAX = "${user_tf.NAME}"


@dataclass(frozen=True)
class Output:
    """One output of user_tf/, named in a manifest value."""

    name: str


Part = str | Output


class BadReference(ValueError):
    """A value that tries to name an output of user_tf/ and cannot be read; says the fix."""


def _fragment(text: str, start: int) -> str:
    end = text.find("}", start)
    return text[start : end + 1] if end >= 0 else text[start:]


def parse(text: str) -> tuple[Part, ...]:
    """The value as literal text and outputs, in order (adjacent text joined); raises
    :class:`BadReference` for a reference asml cannot read."""
    parts: list[Part] = []
    literal, position = "", 0
    for found in _START.finditer(text):
        literal += text[position : found.start()]
        if found.group().startswith("$$"):
            literal += "${"  # the escape: the text itself
            position = found.end()
            continue
        reference = _REFERENCE.match(text, found.start())
        if reference is None:
            raise BadReference(_why_unreadable(text, found.start()))
        if literal:
            parts.append(literal)
            literal = ""
        parts.append(Output(reference.group(1)))
        position = reference.end()
    literal += text[position:]
    if literal:
        parts.append(literal)
    return tuple(parts)


def _why_unreadable(text: str, start: int) -> str:
    fragment = _fragment(text, start)
    terraform_form = _TERRAFORM_FORM.match(text, start)
    if terraform_form is not None:
        name = terraform_form.group(1)
        return f'"{fragment}" is how net/ names it; in a manifest, write "${{user_tf.{name}}}"'
    if _DOTTED.match(text, start):
        return (
            f'"{fragment}" names an attribute of an output, but a reference names one whole'
            f' output, "{SYNTAX}"; add an output to {USER_TF_DIR}/ whose value is that attribute'
        )
    return (
        f'"{fragment}" is not a reference asml can read; write "{SYNTAX}", where NAME is an'
        f' output of {USER_TF_DIR}/ (letters, digits, _ and -), or "$${{user_tf." for the'
        " text itself"
    )


def outputs_of(parts: Sequence[Part]) -> list[str]:
    return [part.name for part in parts if isinstance(part, Output)]


def may_refer(text: str) -> bool:
    """Whether the value tries to name an output of user_tf/ (without parsing it)."""
    return any(not m.group().startswith("$$") for m in _START.finditer(text))


# Where a reference may stand in service.toml, as key paths with "*" for any name or index.
ALLOWED: tuple[KeyPath, ...] = (
    ("iomods", "*", "resources", "*"),
    ("functions", "*", "permissions", "*", "resources", "*"),
    ("functions", "*", "environment", "*"),
)
WHERE_ALLOWED = (
    "an IOmod's `resources`, a function's `environment` and the `resources` of its `permissions`"
)


def _allowed(path: KeyPath) -> bool:
    return any(
        len(pattern) == len(path)
        and all(p == "*" or p == part for p, part in zip(pattern, path, strict=True))
        for pattern in ALLOWED
    )


def _strings(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, Mapping):
        for key, item in data.items():
            yield from _strings(item, (*path, key))
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            yield from _strings(item, (*path, index))


@dataclass
class _UserTf:
    """user_tf/ as read once, when the first reference needs it."""

    root: Path
    read: bool = False
    found: UserTerraform | None = None
    error: UserTfError | None = None

    def get(self) -> UserTerraform | UserTfError | None:
        if not self.read:
            self.read = True
            try:
                self.found = read_user_tf(self.root)
            except UserTfError as error:
                self.error = error
        return self.error or self.found


def check_references(
    root: Path,
    manifest: ProjectManifest | None,
    project_report: FileReport,
    services: Sequence[tuple[Mapping[str, Any], FileReport]],
    sink: list[Problem],
) -> None:
    """Every reference is readable, where one is allowed, and names an output user_tf/
    declares. ``services`` are each service manifest (as data) with its report."""
    user_tf = _UserTf(root)
    unreadable_said = False
    if manifest is not None:
        for path, text in _strings(manifest.model_dump(mode="python")):
            if may_refer(text):
                stage = len(path) == 4 and path[0] == "stages" and path[2] == "environment"
                project_report.error(path, _not_here(text, stage_environment=stage))
    for data, report in services:
        for path, text in _strings(data):
            if not may_refer(text):
                continue
            if not _allowed(path):
                report.error(path, _not_here(text))
                continue
            try:
                parts = parse(text)
            except BadReference as bad:
                report.error(path, str(bad))
                continue
            found = user_tf.get()
            if isinstance(found, UserTfError):
                if not unreadable_said:
                    sink.append(Problem(found.file, (), found.reason))
                    unreadable_said = True
                continue
            for name in dict.fromkeys(outputs_of(parts)):
                message = _unknown_output(name, found)
                if message is not None:
                    report.error(path, message)


def _not_here(text: str, *, stage_environment: bool = False) -> str:
    if stage_environment:
        return (
            f'"{text}": a stage\'s environment cannot name an output of {USER_TF_DIR}/ (it goes'
            " to stages/<stage>.tfvars, which holds only values); set the variable in the"
            " `environment` of each function that needs it"
        )
    return (
        f'"{text}": only {WHERE_ALLOWED} can name an output of {USER_TF_DIR}/;'
        " write the value itself here"
    )


def _unknown_output(name: str, found: UserTerraform | None) -> str | None:
    reference = f'"${{user_tf.{name}}}"'
    if found is None:
        return (
            f"{reference} names an output of {USER_TF_DIR}/, but the project has no Terraform"
            f" of its own in {USER_TF_DIR}/; create {USER_TF_DIR}/outputs.tf with"
            f' `output "{name}" {{ value = ... }}`, or write the value itself'
        )
    if name in found.outputs:
        return None
    declared = ", ".join(f'"{o}"' for o in sorted(found.outputs)) or "none"
    return (
        f'{USER_TF_DIR}/ declares no output "{name}" (declared: {declared}); add'
        f' `output "{name}" {{ value = ... }}` to a file in {USER_TF_DIR}/, or fix the name'
    )
