"""The jinja2 environment for scaffold templates. Templates only format; Python decides."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2


def _quoted(text: str) -> str:
    """A double-quoted literal valid in C, C++, Zig, Rust, TypeScript and WAT (for ASCII text)."""
    if not text.isascii() or any(ord(c) < 0x20 for c in text):
        raise ValueError("scaffold literals must be printable ASCII")
    return json.dumps(text)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("asml", "scaffold/templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["quoted"] = _quoted
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
