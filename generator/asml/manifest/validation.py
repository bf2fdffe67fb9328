"""Turn pydantic's validation errors into problems a person can act on.

pydantic knows *what* failed; this module knows how to say it in the manifest's terms:
TOML type names, the allowed values, the nearest known key for a typo.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from asml.manifest import model as m
from asml.manifest.problems import KeyPath

# What a value of a field must look like, by the pattern that checks it.
_PATTERN_RULES = {
    m.NAME_PATTERN: "must start with a lowercase letter and use only a-z, 0-9, '-' and '_'",
    m.STAGE_PATTERN: "must start with a lowercase letter and use only a-z and 0-9",
    m.ENV_KEY_PATTERN: "must start with a letter and use only letters, digits and '_'",
    m.HANDLER_PATTERN: "must be a plain export name: letters, digits and '_'",
    m.REGION_PATTERN: 'is not an AWS region; write one like "us-east-1"',
    m.COORDINATES_PATTERN: 'must be three dot-separated names, like "akkoro.aws.dynamodb"',
    m.VERSION_PATTERN: 'must be a version like "1", "1.2" or "1.2.3"',
    m.IAM_ACTION_PATTERN: 'is not an IAM action; write one like "dynamodb:GetItem"',
    m.KMS_KEY_PATTERN: "must be a KMS key's ARN, like"
    ' "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"'
    " (CloudWatch Logs and Lambda take no alias)",
    m.BOUNDARY_PATTERN: "must be an IAM policy's ARN, like"
    ' "arn:aws:iam::123456789012:policy/boundary"',
    m.SIGNING_PATTERN: "must be a code-signing configuration's ARN, like"
    ' "arn:aws:lambda:eu-west-1:123456789012:code-signing-config:csc-0123456789abcdef0"',
    m.ROLE_PATH_PATTERN: 'must start and end with "/", like "/asml/"',
}

# How to name the allowed values of an enumerated field.
_NOUNS = {
    "verb": "an HTTP method",
    "language": "a supported language",
    "engine": "a known engine",
    "architecture": "a supported architecture",
    "type": "an authorizer type",
    "backend": "a Terraform backend",
    "target": "a deployment target",
}

_RANGE_HINTS = {
    "memory_mb": "Lambda allows 128 to 10240 MB",
    "timeout_seconds": "Lambda allows 1 to 900 seconds",
}


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return "date/time"


def show(value: object) -> str:
    """A short rendering of a user's value for a message."""
    if isinstance(value, str):
        text = '"' + value.replace('"', '\\"') + '"'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "an array"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems_from(error: ValidationError, root: type[BaseModel]) -> list[tuple[KeyPath, str]]:
    """(key path, message) for every error pydantic found, in the manifest's own words."""
    found: list[tuple[KeyPath, str]] = []
    for detail in error.errors(include_url=False):
        loc: KeyPath = tuple(detail["loc"])
        key_error = bool(loc) and loc[-1] == "[key]"
        if key_error:
            loc = loc[:-1]
        found.append((loc, _message(detail, loc, root, key_error)))
    return found


def _message(detail: ErrorDetails, loc: KeyPath, root: type[BaseModel], key_error: bool) -> str:
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if key_error:
        rule = _PATTERN_RULES.get(str(ctx.get("pattern")), "is not a valid name")
        return f"the name {show(loc[-1])} {rule}; rename it{_suggestion(str(loc[-1]), ctx, ',')}"
    handler = _HANDLERS.get(kind)
    if handler is not None:
        return handler(value, ctx, name, loc, root)
    if kind.endswith("_type"):
        expected = kind.removesuffix("_type").replace("model", "table").replace("dict", "table")
        expected = {"int": "integer", "bool": "boolean", "list": "array"}.get(expected, expected)
        if isinstance(value, (list, dict)):
            return f"expected {_article(expected)}, found {_article(toml_type(value))}"
        return f"expected {_article(expected)}, found {toml_type(value)} {show(value)}"
    return str(detail["msg"]).rstrip(".").replace("Input", "value", 1)


def _article(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _missing(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    model = _model_at(root, loc[:-1])
    described = ""
    if model is not None and name in model.model_fields:
        described = model.model_fields[name].description or ""
    suffix = f" ({described.rstrip('.')})" if described else ""
    return f"required key is missing; add `{name} = ...`{suffix}"


def _extra(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    model = _model_at(root, loc[:-1])
    if model is None:
        return "unknown key; remove it"
    known = sorted(model.model_fields)
    # "timeout" for "timeout_seconds" is a prefix, not a near spelling, so look for both.
    close = [k for k in known if len(name) >= 4 and k.startswith(name)]
    close = close or difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    if close:
        return f"unknown key; did you mean `{close[0]}`?"
    return f"unknown key; the keys here are {', '.join(f'`{k}`' for k in known)}"


def _literal(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    noun = _NOUNS.get(name, "an allowed value")
    expected = str(ctx.get("expected", "")).replace("'", "")
    return f"{show(value)} is not {noun}; use one of {expected.replace(' or ', ', ')}"


def _pattern(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    rule = _PATTERN_RULES.get(str(ctx.get("pattern")), f"must match {ctx.get('pattern')}")
    return f"{show(value)} {rule}{_suggestion(str(value), ctx)}"


def _suggestion(value: str, ctx: dict[str, Any], joiner: str = ";") -> str:
    """For a name that breaks the naming rule, the nearest name that keeps it."""
    pattern = str(ctx.get("pattern"))
    if pattern == m.NAME_PATTERN:
        slug = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
    elif pattern == m.STAGE_PATTERN:
        slug = re.sub(r"[^a-z0-9]+", "", value.lower())
    else:
        return ""
    slug = slug.lstrip("0123456789-_")
    return f'{joiner} e.g. "{slug}"' if slug and re.match(pattern, slug) else ""


def _range(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    hint = _RANGE_HINTS.get(name)
    if hint:
        return f"{show(value)} is out of range; {hint}"
    for key, words in (("ge", "at least"), ("le", "at most"), ("gt", "above"), ("lt", "below")):
        if key in ctx:
            return f"{show(value)} is out of range; it must be {words} {ctx[key]}"
    return f"{show(value)} is out of range"


def _too_short(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    if isinstance(value, str):
        return "must not be empty" if not value else f"{show(value)} is too short"
    return "must not be empty; give at least one entry"


def _value_error(value: Any, ctx: dict[str, Any], name: str, loc: KeyPath, root: Any) -> str:
    return str(ctx.get("error", "invalid value"))


_Handler = Callable[[Any, dict[str, Any], str, KeyPath, Any], str]
_HANDLERS: dict[str, _Handler] = {
    "missing": _missing,
    "extra_forbidden": _extra,
    "literal_error": _literal,
    "string_pattern_mismatch": _pattern,
    "greater_than_equal": _range,
    "less_than_equal": _range,
    "greater_than": _range,
    "less_than": _range,
    "string_too_short": _too_short,
    "too_short": _too_short,
    "value_error": _value_error,
}


def _model_at(root: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The model class that holds the keys at ``loc``, following fields, maps and arrays."""
    current: Any = root
    index = 0
    while index < len(loc):
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(loc[index]))
            if field is None:
                return None
            current = field.annotation
            index += 1
            continue
        origin = typing.get_origin(current)
        if origin in (dict, list):
            current = typing.get_args(current)[-1]
            index += 1
            continue
        return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] down to the type inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation
