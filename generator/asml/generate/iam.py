"""The IAM statements of a function's role, beyond its logs: least privilege from manifests.

An IOmod declares the IAM actions of each of its calls (``iomod.json``); a function may use
only the IOmods it lists, so its role gets exactly those actions, on the resources the
service manifest names for each IOmod, plus the function's own ``permissions``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from asml.generate.model import Statement
from asml.manifest.model import IomodDependency, Permission
from asml_iomods.manifest import IomodManifest

_DYNAMODB_TABLE = re.compile(r"^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table/[^/]+$")
_S3_BUCKET = re.compile(r"^arn:aws[a-z-]*:s3:::[^/]+$")


def statement_key(prefix: str, name: str) -> str:
    """``IomodOrdersTable`` from ("Iomod", "orders-table"): a Sid, letters and digits only."""
    words = re.split(r"[^A-Za-z0-9]+", name)
    return prefix + "".join(word[:1].upper() + word[1:] for word in words)


def widen(resources: Sequence[str]) -> tuple[str, ...]:
    """The ARNs an IOmod needs for the resources named: a DynamoDB table's indexes (for
    Query) and an S3 bucket's objects (for GetObject/PutObject) come with them."""
    widened: list[str] = []
    for arn in resources:
        widened.append(arn)
        if _DYNAMODB_TABLE.match(arn):
            widened.append(f"{arn}/index/*")
        elif _S3_BUCKET.match(arn):
            widened.append(f"{arn}/*")
    return tuple(dict.fromkeys(widened))


def iomod_statement(
    name: str, dependency: IomodDependency, manifest: IomodManifest
) -> Statement | None:
    """The statement for one IOmod a function calls, or None if it needs no AWS actions."""
    actions = sorted({a for call in manifest.calls.values() for a in call.actions})
    if not actions:
        return None
    resources = widen(dependency.resources) if dependency.resources else ("*",)
    return Statement(statement_key("Iomod", name), tuple(actions), resources)


def statements(
    iomods: Mapping[str, tuple[IomodDependency, IomodManifest]],
    permissions: Sequence[Permission],
) -> tuple[Statement, ...]:
    found = [iomod_statement(name, *iomods[name]) for name in sorted(iomods)]
    found += [
        Statement(f"Permission{index}", tuple(p.actions), tuple(p.resources))
        for index, p in enumerate(permissions, start=1)
    ]
    unique: dict[str, Statement] = {}
    for statement in found:
        if statement is None:
            continue
        # "orders-table" and "orders_table" would both be IomodOrdersTable
        key, number = statement.key, 1
        while key in unique:
            number += 1
            key = f"{statement.key}{number}"
        unique[key] = Statement(key, statement.actions, statement.resources)
    return tuple(unique.values())
