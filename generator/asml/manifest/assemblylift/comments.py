"""The comments of a TOML file, by the key they belong to, so that a rewrite can keep them.

A comment belongs to the key (or table header) that follows it, and a comment at the end of
a line to that line's key. tomlkit keeps comments in the body of whichever table they fall
in, so one written above ``[api.functions.create]`` sits at the end of the table before it:
walking the document in order and handing pending comments to the next key puts it right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Comment, Table, Whitespace

from asml.manifest.problems import KeyPath


@dataclass
class Comments:
    header: list[str] = field(default_factory=list)  # above the first key of the file
    above: dict[KeyPath, list[str]] = field(default_factory=dict)
    inline: dict[KeyPath, str] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)  # below the last key


def comments_of(text: str) -> Comments:
    found = Comments()
    pending: list[str] = []
    seen_key = False

    def take(path: KeyPath) -> None:
        nonlocal seen_key
        if pending:
            if seen_key:
                found.above[path] = list(pending)
            else:
                found.header.extend(pending)
            pending.clear()
        seen_key = True

    def walk(container: Container, prefix: KeyPath) -> None:
        for key, item in container.body:
            if isinstance(item, Whitespace):
                continue
            if isinstance(item, Comment):
                pending.append(item.trivia.comment)
                continue
            if key is None:
                continue
            path = (*prefix, key.key)
            if isinstance(item, Table) and item.is_super_table():
                walk(item.value, path)  # [a.b.c]: the comment belongs to the deepest header
                continue
            if isinstance(item, AoT):  # [[api.functions]]: each entry has its own header
                for index, table in enumerate(item.body):
                    entry = (*path, index)
                    take(entry)
                    if table.trivia.comment:
                        found.inline[entry] = table.trivia.comment
                    walk(table.value, entry)
                continue
            take(path)
            if item.trivia.comment:
                found.inline[path] = item.trivia.comment
            if isinstance(item, Table):
                walk(item.value, path)

    walk(tomlkit.parse(text), ())
    found.trailing = pending
    return found
