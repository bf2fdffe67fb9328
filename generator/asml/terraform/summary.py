"""A plan in words a reviewer understands: what changes, grouped by service and function, and
which functions get new code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asml.generate.model import Net
from asml.terraform.events import Change

ADD, CHANGE, DESTROY = "add", "change", "destroy"
# Terraform's action -> what it counts as ("replace" is both a destroy and an add)
_COUNTS = {"create": (ADD,), "update": (CHANGE,), "delete": (DESTROY,), "replace": (ADD, DESTROY)}
_SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


@dataclass
class Group:
    name: str  # "api.hello", "api HTTP API", "runtime layers"
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = {ADD: 0, CHANGE: 0, DESTROY: 0}
        for change in self.changes:
            for kind in _COUNTS.get(change.action, ()):
                counted[kind] += 1
        return counted


@dataclass
class Summary:
    groups: list[Group]
    code_changed: list[str]  # service.function whose deployed code differs
    new_functions: list[str]
    counts: dict[str, int]

    @property
    def has_changes(self) -> bool:
        return any(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": self.counts,
            "code_changed": self.code_changed,
            "new_functions": self.new_functions,
            "groups": [
                {
                    "name": g.name,
                    **g.counts(),
                    "resources": [_resource_json(c) for c in g.changes],
                }
                for g in self.groups
            ],
        }

    def lines(self) -> list[str]:
        if not self.has_changes:
            return ["No changes: what is deployed matches the project."]
        width = max(len(g.name) for g in self.groups)
        out = []
        for group in self.groups:
            tally = Counter((c.action, c.resource_type.removeprefix("aws_")) for c in group.changes)
            kinds = ", ".join(
                f"{_SYMBOLS[action]}{count if count > 1 else ''} {kind}"
                for (action, kind), count in sorted(tally.items())
            )
            note = "  (new code)" if group.name in self.code_changed else ""
            out.append(f"  {group.name.ljust(width)}  {kinds}{note}")
            for change in group.changes:
                kind = change.resource_type.removeprefix("aws_")
                out += [f"      {kind}  {item.text()}" for item in change.attributes]
        if self.code_changed:
            out.append(f"Code changes: {', '.join(self.code_changed)}")
        counts = self.counts
        out.append(
            f"Plan: {counts[ADD]} to add, {counts[CHANGE]} to change, {counts[DESTROY]} to destroy."
        )
        return out


def _resource_json(change: Change) -> dict[str, Any]:
    entry: dict[str, Any] = {"address": change.address, "action": change.action}
    if change.action in ("update", "replace"):
        entry["attributes"] = [item.to_json() for item in change.attributes]
    return entry


def owners(net: Net) -> dict[str, str]:
    """Module label -> the group its resources belong to."""
    found = {layer.label: "runtime layers" for layer in net.runtime_layers}
    for service in net.services:
        for layer in service.iomod_layers:
            found[layer.label] = f"{service.name} IOmod layer"
        for function in service.functions:
            found[function.label] = function.reference
            found[function.role_label] = function.reference
        if service.http_api is not None:
            found[service.http_api.label] = f"{service.name} HTTP API"
    found["user"] = "user_tf"
    return found


def deployed_functions(state: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Module label -> the state's attributes of the Lambda function deployed from it."""
    found = {}
    for resource in state.get("resources", []):
        if resource.get("type") != "aws_lambda_function" or "module" not in resource:
            continue
        for instance in resource.get("instances", []):
            found[resource["module"].removeprefix("module.")] = instance.get("attributes", {})
    return found


def deployed_hashes(state: Mapping[str, Any]) -> dict[str, str]:
    """Module label -> the source_code_hash of the function deployed from it."""
    return {label: attributes["source_code_hash"]
            for label, attributes in deployed_functions(state).items()
            if attributes.get("source_code_hash")}  # fmt: skip


def summarize(net: Net, changes: Iterable[Change], state: Mapping[str, Any]) -> Summary:
    groups: dict[str, Group] = {}
    by_label = owners(net)
    actual = [c for c in changes if c.action in _COUNTS]
    for change in actual:
        label = (change.module or "").removeprefix("module.").split(".", 1)[0]
        name = by_label.get(label, "other")
        groups.setdefault(name, Group(name)).changes.append(change)
    deployed = deployed_hashes(state)
    code_changed, new_functions = [], []
    for service in net.services:
        for function in service.functions:
            if function.label not in deployed:
                if any(c.module == f"module.{function.label}" for c in actual):
                    new_functions.append(function.reference)
            elif deployed[function.label] != function.source_code_hash:
                code_changed.append(function.reference)
    total = Group("all", actual).counts()
    return Summary(sorted(groups.values(), key=lambda g: g.name), code_changed, new_functions,
                   total)  # fmt: skip
