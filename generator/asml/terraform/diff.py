"""Which attributes a planned update changes, old -> new, from ``terraform show -json PLAN``.

Terraform's streamed plan messages say *that* a resource changes, not *what*: a reviewer who
raised ``memory_mb`` needs to see ``memory_size: 512 -> 1024``. Values Terraform marks
sensitive, and every environment variable (they hold secrets as often as not), are shown as
changed without their values. Attributes only known after the apply (a new version number,
a timestamp) are named, not diffed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# Hidden at any depth: a function's environment block (its values are often secrets).
_HIDDEN_UNDER = ("environment",)
_SHOWN_CHARACTERS = 60


@dataclass(frozen=True)
class AttributeChange:
    path: str  # memory_size, environment.variables.GREETING, tags["asml:stage"]
    before: Any = None
    after: Any = None
    hidden: bool = False  # sensitive, or an environment value: shown as "(changed)"
    unknown: bool = False  # known after apply
    forces_replacement: bool = False

    def text(self) -> str:
        note = " (forces replacement)" if self.forces_replacement else ""
        if self.hidden:
            return f"{self.path}: (changed){note}"
        if self.unknown:
            return f"{self.path}: {_shown(self.before)} -> (known after apply){note}"
        return f"{self.path}: {_shown(self.before)} -> {_shown(self.after)}{note}"

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"attribute": self.path}
        if self.hidden:
            entry["hidden"] = True
        else:
            entry["before"] = self.before
            if self.unknown:
                entry["after_unknown"] = True
            else:
                entry["after"] = self.after
        if self.forces_replacement:
            entry["forces_replacement"] = True
        return entry


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if len(text) > _SHOWN_CHARACTERS:
        return text[: _SHOWN_CHARACTERS - 3] + "..."
    return text


def _key(path: str, part: str | int, siblings: int) -> str:
    if isinstance(part, int):
        return path if siblings == 1 else f"{path}[{part}]"
    if part.replace("_", "").isalnum() and not part[:1].isdigit():
        return f"{path}.{part}" if path else part
    return f"{path}[{json.dumps(part)}]"


def _at(marks: Any, part: str | int) -> Any:
    """The part of Terraform's sensitive/unknown marks for one key or index."""
    if marks is True or marks is False:
        return marks
    if isinstance(marks, dict) and isinstance(part, str):
        return marks.get(part, False)
    if isinstance(marks, list) and isinstance(part, int) and part < len(marks):
        return marks[part]
    return False


def _secret(path: str) -> bool:
    """Environment values hold secrets as often as not: never shown, at any depth."""
    return any(path == p or path.startswith((p + ".", p + "[")) for p in _HIDDEN_UNDER)


def _walk(
    path: str, before: Any, after: Any, sensitive: Any, unknown: Any
) -> Iterator[AttributeChange]:
    if unknown is True:
        hidden = _secret(path) or _marked(sensitive)
        yield AttributeChange(path, None if hidden else before, hidden=hidden, unknown=True)
        return
    if isinstance(before, dict) and isinstance(after, dict) and sensitive is not True:
        for key in sorted(set(before) | set(after)):
            marks = _at(unknown, key)
            if before.get(key) != after.get(key) or _marked(marks):
                yield from _walk(_key(path, key, 0), before.get(key), after.get(key),
                                 _at(sensitive, key), marks)  # fmt: skip
        return
    if (
        isinstance(before, list) and isinstance(after, list) and len(before) == len(after)
        and before and all(isinstance(item, dict) for item in [*before, *after])
        and sensitive is not True
    ):  # fmt: skip
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from _walk(_key(path, index, len(before)), old, new,
                             _at(sensitive, index), _at(unknown, index))  # fmt: skip
        return
    # A leaf, or a value whose shape changed: hidden when any part of it is sensitive.
    hidden = _secret(path) or _marked(sensitive)
    if before != after or _marked(unknown):
        yield AttributeChange(path, None if hidden else before, None if hidden else after, hidden)


def _marked(marks: Any) -> bool:
    """Whether Terraform's marks (unknown, or sensitive: the same shape) hold True anywhere."""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_marked(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_marked(v) for v in marks)
    return False


def attribute_changes(change: Mapping[str, Any]) -> list[AttributeChange]:
    """What one ``resource_changes[].change`` of ``terraform show -json`` does to attributes
    that exist before and after (creates and deletes have nothing to compare)."""
    before, after = change.get("before"), change.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    sensitive = _merge(change.get("before_sensitive"), change.get("after_sensitive"))
    unknown = change.get("after_unknown") or {}
    replacing = {_path_text(p) for p in change.get("replace_paths") or []}
    found = []
    for key in sorted(set(before) | set(after)):
        marks = _at(unknown, key)
        if marks is not True and _marked(marks) is False and before.get(key) == after.get(key):
            continue
        for item in _walk(key, before.get(key), after.get(key), _at(sensitive, key), marks):
            if item.unknown and item.before is None and not item.hidden:
                continue  # computed from nothing to something: nothing to review
            forced = any(item.path == r or item.path.startswith(r + ".") for r in replacing)
            found.append(_with(item, forced))
    return found


def _with(item: AttributeChange, forced: bool) -> AttributeChange:
    if not forced:
        return item
    return AttributeChange(item.path, item.before, item.after, item.hidden, item.unknown, True)


def _merge(first: Any, second: Any) -> Any:
    """Sensitive where either side is."""
    if first is True or second is True:
        return True
    if isinstance(first, dict) or isinstance(second, dict):
        old = first if isinstance(first, dict) else {}
        new = second if isinstance(second, dict) else {}
        return {k: _merge(old.get(k), new.get(k)) for k in set(old) | set(new)}
    if isinstance(first, list) or isinstance(second, list):
        before = first if isinstance(first, list) else []
        after = second if isinstance(second, list) else []
        return [_merge(before[i] if i < len(before) else None,
                       after[i] if i < len(after) else None)
                for i in range(max(len(before), len(after)))]  # fmt: skip
    return False


def _path_text(parts: list[str | int]) -> str:
    path = ""
    for part in parts:
        path = _key(path, part, 1)
    return path


def _configured(shown: Mapping[str, Any], address: str) -> set[str] | None:
    """The attributes a resource's configuration sets (``configuration`` of the shown plan),
    or None where the resource is not found there (then nothing is left out)."""
    module: Any = shown.get("configuration", {}).get("root_module", {})
    parts = address.split(".")
    while len(parts) > 2 and parts[0] == "module":
        name = parts[1].split("[", 1)[0]
        module = module.get("module_calls", {}).get(name, {}).get("module", {})
        parts = parts[2:]
    local = ".".join(parts).split("[", 1)[0]
    for resource in module.get("resources", []):
        if resource.get("address") == local:
            return set(resource.get("expressions", {}))
    return None


def changes_by_address(shown: Mapping[str, Any]) -> dict[str, list[AttributeChange]]:
    """Every updated or replaced resource's attribute changes, by its address. An attribute
    that is only known after the apply and that the configuration does not set (a function's
    last_modified, version) is Terraform's bookkeeping, not the change: left out."""
    found = {}
    for resource in shown.get("resource_changes") or []:
        actions = resource.get("change", {}).get("actions", [])
        if "update" in actions or ("create" in actions and "delete" in actions):
            configured = _configured(shown, resource["address"])
            found[resource["address"]] = [
                item for item in attribute_changes(resource["change"])
                if not item.unknown or configured is None or _top(item.path) in configured
                or item.forces_replacement
            ]  # fmt: skip
    return found


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]
