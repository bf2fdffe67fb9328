"""Terraform's machine-readable UI (``-json``): one JSON object per line.

Plans and applies run with ``-json`` so that asml can say what happens in its own words and
quote Terraform's errors (diagnostics) exactly, without scraping text meant for terminals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from asml.terraform.diff import AttributeChange


@dataclass(frozen=True)
class Change:
    address: str  # module.api_hello.aws_lambda_function.this
    module: str | None  # module.api_hello
    resource_type: str
    action: str  # create | update | delete | replace | read | noop | move | remove
    attributes: tuple[AttributeChange, ...] = ()  # what an update or replace changes


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # error | warning
    summary: str
    detail: str
    where: str  # file:line, or ""

    def text(self) -> str:
        lines = [f"{self.summary}" + (f" ({self.where})" if self.where else "")]
        if self.detail:
            lines += [f"  {line}" for line in self.detail.splitlines()]
        return "\n".join(lines)


def parse(line: str) -> dict[str, Any] | None:
    """One message, or None for a line that is not Terraform's JSON (a crash, a warning)."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def change_of(message: dict[str, Any]) -> Change | None:
    if message.get("type") != "planned_change":
        return None
    change = message["change"]
    resource = change["resource"]
    return Change(resource["addr"], resource.get("module"), resource["resource_type"],
                  change["action"])  # fmt: skip


def diagnostic_of(message: dict[str, Any]) -> Diagnostic | None:
    if message.get("type") != "diagnostic":
        return None
    body = message["diagnostic"]
    where = ""
    if body.get("range"):
        where = f"{body['range']['filename']}:{body['range']['start']['line']}"
    return Diagnostic(body.get("severity", "error"), body.get("summary", ""),
                      body.get("detail", ""), where)  # fmt: skip


def errors_in(lines: Iterable[str]) -> list[Diagnostic]:
    found = []
    for line in lines:
        message = parse(line)
        diagnostic = diagnostic_of(message) if message is not None else None
        if diagnostic is not None and diagnostic.severity == "error":
            found.append(diagnostic)
    return found
