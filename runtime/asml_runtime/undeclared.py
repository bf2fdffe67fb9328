"""IOmod calls a function may not make: its manifest does not declare the IOmod.

Such a call still gets an id, whose result is an error the guest can read
(``{"code": "NotDeclared", "message": ...}``), and the function's log says, once per call,
which IOmod it is and which manifest key to add it to. A bare -1 told nobody anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from asml_runtime import logs

NOT_DECLARED = "NotDeclared"
# Refused calls count down from the top of the id range; real calls count up from 1, so the
# two meet only after two billion calls in one event.
_FIRST_ID = 2**31 - 1


def explain(
    function: str,
    call: str,
    declared: frozenset[str],
    restricted: Mapping[str, tuple[str, frozenset[str]]] | None = None,
) -> str:
    """Why ``function`` (``service.function``) may not make ``call``, and the fix."""
    coordinates, _, operation = call.rpartition(".")
    service, _, name = function.partition(".")
    if not coordinates or not operation:
        return (
            f"{function} called {call!r}, which is not an IOmod call: name one as"
            " <coordinates>.<call>, e.g. akkoro.std.crypto.uuid4"
        )
    only = (restricted or {}).get(coordinates)
    if only is not None and operation not in only[1]:
        dependency, calls = only
        named = ", ".join(f'"{dependency}.{c}"' for c in sorted(calls))
        return (
            f"{function} called {call}, but its manifest names only {named} of IOmod"
            f' {dependency}: in services/{service}/service.toml, add "{dependency}.{operation}"'
            f" to `iomods` of [functions.{name}] (its role gets that call's IAM actions too)"
        )
    if coordinates in declared:
        return f"{function} called {call!r}: IOmod {coordinates} has no call named {operation!r}"
    return (
        f"{function} called {call}, but does not declare IOmod {coordinates}: in"
        f" services/{service}/service.toml, add the dependency's name to `iomods` of"
        f" [functions.{name}] (and, if the service has none yet, an [iomods.NAME] with"
        f' coordinates = "{coordinates}")'
    )


class Refusals:
    """The refused calls of the current event, by id."""

    __slots__ = ("_logged", "_next", "_results", "function")

    def __init__(self, function: str) -> None:
        self.function = function
        self._results: dict[int, bytes] = {}
        self._next = _FIRST_ID
        self._logged: set[str] = set()

    def refuse(
        self,
        call: str,
        declared: frozenset[str],
        restricted: Mapping[str, tuple[str, frozenset[str]]] | None = None,
    ) -> int:
        message = explain(self.function, call, declared, restricted)
        if call not in self._logged:  # once per call and event: a loop must not flood the log
            self._logged.add(call)
            logs.logger("asml.runtime").error("%s", message)
        identifier = self._next
        self._next -= 1
        self._results[identifier] = json.dumps({"code": NOT_DECLARED, "message": message}).encode()
        return identifier

    def result(self, identifier: int) -> bytes | None:
        return self._results.get(identifier)

    def forget(self, identifier: int) -> None:
        self._results.pop(identifier, None)

    def reset(self) -> None:
        self._results.clear()
        self._logged.clear()
        self._next = _FIRST_ID
