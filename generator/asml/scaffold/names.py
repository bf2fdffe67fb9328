"""Checks on names given on the command line, before anything is written."""

from __future__ import annotations

import re

from asml.errors import ScaffoldError
from asml.manifest import vocabulary as v
from asml.manifest.model import NAME_PATTERN, check_http_path

NAME_RULE = "must start with a lowercase letter and use only a-z, 0-9, '-' and '_'"


def check_name(kind: str, name: str) -> str:
    if not re.match(NAME_PATTERN, name) or len(name) > 64:
        raise ScaffoldError(f'{kind} name "{name}" {NAME_RULE}; e.g. "todo-api"')
    return name


def split_function_ref(reference: str) -> tuple[str, str]:
    """``SERVICE.FUNCTION`` -> (service, function)."""
    service, dot, function = reference.partition(".")
    if not dot or not service or not function:
        raise ScaffoldError(
            f'"{reference}" is not SERVICE.FUNCTION; write e.g. `asml make function todo.create`'
        )
    return check_name("service", service), check_name("function", function)


def parse_http_route(text: str) -> tuple[str, str]:
    """``"GET /todos/{id}"`` -> ("GET", "/todos/{id}")."""
    verb, _, path = text.strip().partition(" ")
    verb, path = verb.upper(), path.strip()
    if verb not in v.HTTP_VERBS or not path:
        raise ScaffoldError(
            f'--http "{text}" is not "VERB /path"; write e.g. --http "GET /todos/{{id}}"'
            f" (verbs: {', '.join(v.HTTP_VERBS)})"
        )
    try:
        return verb, check_http_path(path)
    except ValueError as error:
        raise ScaffoldError(f"--http: {error}") from None
