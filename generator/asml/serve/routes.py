"""Route matching with API Gateway HTTP API rules.

A request goes to the most specific route: literal segments beat ``{param}``, which beats a
greedy ``{proxy+}``; a route for the method beats ``ANY``. Path parameters are decoded.
"""

from __future__ import annotations

import difflib
import urllib.parse
from dataclasses import dataclass

from asml.errors import AsmlError
from asml.manifest import Project
from asml.manifest.model import Authorizer


@dataclass(frozen=True)
class Route:
    verb: str
    path: str
    service: str
    function: str
    authorizer: Authorizer | None
    authorizer_name: str | None

    @property
    def key(self) -> str:
        return f"{self.verb} {self.path}"

    @property
    def reference(self) -> str:
        return f"{self.service}.{self.function}"

    def match(self, method: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
        """(specificity, path parameters) when this route takes the request; else None."""
        if self.verb not in ("ANY", method):
            return None
        pattern = [s for s in self.path.split("/") if s]
        actual = [s for s in path.split("/") if s]
        parameters: dict[str, str] = {}
        rank: list[int] = []
        for index, segment in enumerate(pattern):
            if segment.endswith("+}"):
                rest = actual[index:]
                if not rest:
                    return None
                parameters[segment[1:-2]] = urllib.parse.unquote("/".join(rest))
                rank.append(0)
                break
            if index >= len(actual):
                return None
            if segment.startswith("{"):
                parameters[segment[1:-1]] = urllib.parse.unquote(actual[index])
                rank.append(1)
            elif segment == actual[index]:
                rank.append(2)
            else:
                return None
        else:
            if len(actual) != len(pattern):
                return None
        return (*rank, 1 if self.verb == method else 0), parameters


def routes_of(project: Project, only: str | None = None) -> list[Route]:
    """Every HTTP route of the project (or of service ``only``); a clash is an error."""
    found: dict[tuple[str, str], Route] = {}
    for service in project.services:
        if only is not None and service.name != only:
            continue
        manifest = service.manifest
        for name, function in sorted(manifest.functions.items()):
            if function.http is None:
                continue
            authorizer = manifest.authorizers.get(function.authorizer or "")
            route = Route(function.http.verb, function.http.path, service.name, name,
                          authorizer, function.authorizer)  # fmt: skip
            shape = (route.verb, "/".join("{}" if s.startswith("{") else s
                                          for s in route.path.split("/")))  # fmt: skip
            if shape in found:
                other = found[shape]
                raise AsmlError(
                    f"{route.reference} and {other.reference} both answer {route.key}: on AWS"
                    " they are separate APIs; serve one service at a time with"
                    f" `asml serve {route.service}`"
                )
            found[shape] = route
    if only is not None and not any(s.name == only for s in project.services):
        names = sorted(s.name for s in project.services)
        near = difflib.get_close_matches(only, names, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]}?" if near else ""
        raise AsmlError(f'there is no service "{only}" in assemblylift.toml{hint}'
                        f" (its services: {', '.join(names) or 'none'})")  # fmt: skip
    return list(found.values())


def match(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    best: tuple[tuple[int, ...], Route, dict[str, str]] | None = None
    for route in routes:
        found = route.match(method, path)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], route, found[1])
    return None if best is None else (best[1], best[2])
