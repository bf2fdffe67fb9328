"""The IAM statements of a function's role, beyond its logs: least privilege from manifests.

An IOmod declares the IAM actions of each of its calls (``iomod.json``); a function may use
only the IOmods it lists, and of those it lists as ``NAME.CALL`` only the calls it names, so
its role gets exactly those calls' actions, on the resources the service manifest names for
each IOmod, plus the function's own ``permissions``.

Resources may name outputs of user_tf/ (``"${user_tf.table_arn}"``): they become references to
``module.user`` in the HCL, and are widened like the ARNs they stand for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from asml.generate.hcl import Expr
from asml.generate.model import Statement
from asml.generate.references import from_parts, hcl_value
from asml.manifest.model import IomodDependency, Permission
from asml.manifest.references import Output, Part, parse
from asml_iomods.manifest import IomodManifest

_DYNAMODB_TABLE = re.compile(r"^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table/[^/]+$")
_S3_BUCKET = re.compile(r"^arn:aws[a-z-]*:s3:::[^/]+$")
# A reference that is a whole resource stands for what the IOmod acts on: a table, a bucket.
_TABLE_SUFFIX, _BUCKET_SUFFIX = "/index/*", "/*"
_WHOLE_REFERENCE_SUFFIX = {"akkoro.aws.dynamodb": _TABLE_SUFFIX, "akkoro.aws.s3": _BUCKET_SUFFIX}
# Inside an ARN, a reference stands for one name: no "/" and no ":".
_NAME = "name"


def statement_key(prefix: str, name: str) -> str:
    """``IomodOrdersTable`` from ("Iomod", "orders-table"): a Sid, letters and digits only."""
    words = re.split(r"[^A-Za-z0-9]+", name)
    return prefix + "".join(word[:1].upper() + word[1:] for word in words)


def widen(resources: Sequence[str], coordinates: str = "") -> tuple[str | Expr, ...]:
    """The ARNs an IOmod needs for the resources named: a DynamoDB table's indexes (for
    Query) and an S3 bucket's objects (for GetObject/PutObject) come with them. A resource that
    is one output of user_tf/ is taken for a table of the DynamoDB IOmod (``coordinates``) and
    a bucket of the S3 IOmod."""
    widened: list[str | Expr] = []
    for text in resources:
        parts = parse(text)
        widened.append(from_parts(parts))
        suffix = _suffix(parts, coordinates)
        if suffix is not None:
            widened.append(from_parts((*parts, suffix)))
    return tuple(dict.fromkeys(widened))


def _suffix(parts: tuple[Part, ...], coordinates: str) -> str | None:
    if len(parts) == 1 and isinstance(parts[0], Output):
        return _WHOLE_REFERENCE_SUFFIX.get(coordinates)
    shape = "".join(_NAME if isinstance(part, Output) else part for part in parts)
    if _DYNAMODB_TABLE.match(shape):
        return _TABLE_SUFFIX
    if _S3_BUCKET.match(shape):
        return _BUCKET_SUFFIX
    return None


def iomod_statement(
    name: str,
    dependency: IomodDependency,
    manifest: IomodManifest,
    calls: frozenset[str] | None = None,
) -> Statement | None:
    """The statement for one IOmod a function calls (only ``calls`` of it, when given), or
    None if those need no AWS actions."""
    used = [c for n, c in manifest.calls.items() if calls is None or n in calls]
    actions = sorted({a for call in used for a in call.actions})
    if not actions:
        return None
    resources = (
        widen(dependency.resources, dependency.coordinates) if dependency.resources else ("*",)
    )
    return Statement(statement_key("Iomod", name), tuple(actions), resources)


def statements(
    iomods: Mapping[str, tuple[IomodDependency, IomodManifest]],
    permissions: Sequence[Permission],
    calls: Mapping[str, frozenset[str] | None] | None = None,
) -> tuple[Statement, ...]:
    """The role's statements: per IOmod, the actions of the calls the function names
    (``calls``: by IOmod, None for every call), then its own ``permissions``."""
    chosen = calls or {}
    found = [iomod_statement(name, *iomods[name], chosen.get(name)) for name in sorted(iomods)]
    found += [
        Statement(f"Permission{index}", tuple(p.actions), tuple(hcl_value(r) for r in p.resources))
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
