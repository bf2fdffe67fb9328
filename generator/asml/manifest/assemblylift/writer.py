"""Write a manifest's data in asml's format as TOML, with the comments its keys had.

Keys come in the order the models declare them (the order docs/manifest.md uses), named
entries (functions, authorizers, IOmods, stages) as ``[functions.NAME]`` tables, and any
table inside an entry inline, as ``http = { verb = "GET", path = "/" }``. The text is
written line by line rather than through tomlkit's document model, which files a comment
above a table header under the table before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args

import tomlkit
from pydantic import BaseModel

from asml.manifest import vocabulary as v
from asml.manifest.assemblylift.comments import Comments
from asml.manifest.problems import KeyPath
from asml.manifest.pruning import COLLECTIONS

Origin = Callable[[KeyPath], KeyPath]
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def write_native(
    data: dict[str, Any], model: type[BaseModel], comments: Comments, origin: Origin
) -> str:
    out = _Lines(comments, origin)
    out.lines += comments.header
    if comments.header:
        out.lines.append("")
    out.lines.append(f"manifest_version = {v.MANIFEST_VERSION}")
    for key in _ordered(data, model):
        value, entry_model = data[key], _field_model(model, key)
        if key == "manifest_version":
            continue
        if not isinstance(value, dict) or entry_model is None:
            out.pair(key, value, (key,))
        elif key in COLLECTIONS:
            for name, entry in value.items():
                out.table((key, name), entry, entry_model)
        else:
            out.table((key,), value, entry_model)
    if comments.trailing:
        out.lines += ["", *comments.trailing]
    return "\n".join(out.lines) + "\n"


class _Lines:
    def __init__(self, comments: Comments, origin: Origin) -> None:
        self.lines: list[str] = []
        self.comments = comments
        self.origin = origin
        # each comment is written once, with the first key that claims it
        self.used_above: set[KeyPath] = set()
        self.used_inline: set[KeyPath] = set()

    def pair(self, key: str, value: Any, path: KeyPath) -> None:
        origin = self.origin(path)
        self.lines += self._above(origin)
        # A value that was a table in the user's file (0.4's [[services]] entries, now a list
        # of names) keeps the comments of the keys that were in it, above it.
        for inner in [*self.comments.above, *self.comments.inline]:
            if len(inner) > len(origin) and inner[: len(origin)] == origin:
                self.lines += self._above(inner)
                if inner in self.comments.inline and inner not in self.used_inline:
                    self.used_inline.add(inner)
                    self.lines.append(self.comments.inline[inner])
        self.lines.append(self._inline(f"{_key(key)} = {render(value)}", origin))

    def table(self, path: KeyPath, data: dict[str, Any], model: type[BaseModel]) -> None:
        origin = self.origin(path)
        written = {self.origin((*path, key)) for key in data}
        self.lines.append("")
        self.lines += self._above(origin)
        # An entry's `name` (or `id`) became its header: so do that key's comments.
        header = self._inline(f"[{'.'.join(_key(str(p)) for p in path)}]", origin)
        for name_key in [(*origin, k) for k in ("name", "id") if (*origin, k) not in written]:
            self.lines += self._above(name_key)
            comment = self._inline("", name_key).strip()
            if comment and origin in self.comments.inline:
                self.lines.append(comment)  # the header has a comment of its own
            elif comment:
                header = f"{header} {comment}"
        self.lines.append(header)
        for key in _ordered(data, model):
            self.pair(key, data[key], (*path, key))

    def _above(self, origin: KeyPath) -> list[str]:
        if origin in self.used_above:
            return []
        self.used_above.add(origin)
        return self.comments.above.get(origin, [])

    def _inline(self, line: str, origin: KeyPath) -> str:
        comment = self.comments.inline.get(origin)
        if not comment or origin in self.used_inline:
            return line
        self.used_inline.add(origin)
        return f"{line} {comment}"


def render(value: Any) -> str:
    """A TOML value on one line: tables inline, ``{ a = 1 }``, as a person writes them."""
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {render(x)}" for k, x in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(render(x) for x in value) + "]"
    return str(tomlkit.item(value).as_string())


def _key(key: str) -> str:
    return key if _BARE.match(key) else render(key)


def _ordered(data: dict[str, Any], model: type[BaseModel] | None) -> list[str]:
    declared = list(model.model_fields) if model is not None else []
    return [k for k in declared if k in data] + [k for k in data if k not in declared]


def _field_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model of a table field, or of each entry of a named collection."""
    field = model.model_fields.get(key)
    if field is None:
        return None
    annotation = field.annotation
    candidates = (
        list(get_args(annotation))[1:]
        if key in COLLECTIONS
        else [annotation, *get_args(annotation)]
    )
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
