"""Validate a manifest, and if it is invalid, keep checking what remains.

pydantic reports every shape error in one pass, but then yields no model, and without a
model the cross-file checks could not run: a typo in one function would hide a route clash
in another. So after the first pass we delete each invalid value (or, for a missing
required key, the entry holding it) and validate again. The model that results is only used
to find more problems; its file is still reported as invalid.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from asml.manifest.problems import KeyPath
from asml.manifest.validation import problems_from

ModelT = TypeVar("ModelT", bound=BaseModel)

# Tables of named entries; an entry can be dropped as a whole.
COLLECTIONS = frozenset(
    {"functions", "authorizers", "iomods", "stages", "schedules", "queues", "buckets"}
)
_MAX_ROUNDS = 5


@dataclass
class Validated(Generic[ModelT]):
    model: ModelT | None
    problems: list[tuple[KeyPath, str]] = field(default_factory=list)
    # (collection, name) of entries dropped because they were invalid
    pruned: set[tuple[str, str]] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return self.model is not None and not self.problems


def validate(data: dict[str, Any], model: type[ModelT]) -> Validated[ModelT]:
    try:
        return Validated(model.model_validate(data))
    except ValidationError as error:
        result: Validated[ModelT] = Validated(None, problems_from(error, model))
        first = error
    remaining = copy.deepcopy(data)
    for _ in range(_MAX_ROUNDS):
        for detail in first.errors(include_url=False):
            target = _target(tuple(detail["loc"]), detail["type"])
            if target is None:
                return result
            _delete(remaining, target)
            if len(target) == 2 and target[0] in COLLECTIONS:
                result.pruned.add((str(target[0]), str(target[1])))
        try:
            result.model = model.model_validate(remaining)
            return result
        except ValidationError as again:
            first = again
    return result


def drop_unknown_keys(data: dict[str, Any], model: type[BaseModel]) -> list[KeyPath]:
    """Delete the keys ``model`` does not know from ``data``, and say which they were.

    AssemblyLift ignored keys it did not read, so in its files an unknown key is a note, not
    an error: the projects that AssemblyLift accepted must load.
    """
    dropped: list[KeyPath] = []
    for _ in range(_MAX_ROUNDS):
        try:
            model.model_validate(data)
            return dropped
        except ValidationError as error:
            extra = [
                tuple(d["loc"]) for d in error.errors(include_url=False)
                if d["type"] == "extra_forbidden"
            ]  # fmt: skip
        if not extra:
            return dropped
        for loc in extra:
            _delete(data, loc)
            dropped.append(loc)
    return dropped


def _target(loc: KeyPath, kind: str) -> KeyPath | None:
    """What to delete so that this error goes away, or None if nothing can be."""
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
    for index, part in enumerate(loc):
        if isinstance(part, int):  # drop a whole array rather than shift its indexes
            loc = loc[:index]
            break
    if kind == "missing":
        if len(loc) >= 3 and loc[0] in COLLECTIONS:
            return loc[:2]
        return None
    return loc or None


def _delete(data: Any, path: KeyPath) -> None:
    node = data
    for part in path[:-1]:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            return
        node = node[part]
    if isinstance(node, dict):
        node.pop(path[-1], None)
