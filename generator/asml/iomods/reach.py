"""IOmod calls a guest names but cannot make: found in its built module, before it runs.

A guest names a call as a string (``"akkoro.aws.dynamodb.put_item"``), so the names it can make
are in its data segments, whatever its language. Where the whole name is a constant (as in
every SDK's examples) it can be read from the ``.wasm``; a name built at run time cannot, so
this finds what can be known and the runtime's ``NotDeclared`` error covers the rest.
Only coordinates asml knows of (the standard IOmods and those the service declares) are
looked for, so a guest's unrelated dotted strings are never mistaken for calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from asml.manifest.model import IomodDependency
from asml.manifest.problems import Problem, Severity
from asml.manifest.project import SERVICE_FILE, SERVICES_DIR, Service
from asml_iomods import catalog
from asml_iomods.manifest import IomodManifest

_CALL = rb"[a-z_][a-z0-9_]*"


@dataclass(frozen=True)
class Unreachable:
    call: str  # akkoro.std.crypto.uuid4
    reason: str  # what is missing, and the fix


def calls_named(module: bytes, coordinates: Iterable[str]) -> list[str]:
    """The IOmod calls of ``coordinates`` whose full names appear in ``module``, sorted."""
    known = sorted(set(coordinates), key=len, reverse=True)
    if not known:
        return []
    alternatives = b"|".join(re.escape(c.encode()) for c in known)
    # not preceded or followed by a name character: "xakkoro.std.http.request" is no call
    pattern = re.compile(
        rb"(?<![A-Za-z0-9_.-])(" + alternatives + rb")\.(" + _CALL + rb")(?![A-Za-z0-9_])"
    )
    return sorted(
        {f"{m.group(1).decode()}.{m.group(2).decode()}" for m in pattern.finditer(module)}
    )


def unreachable_calls(
    module: bytes,
    function: str,
    listed: Iterable[str],
    dependencies: Mapping[str, IomodDependency],
    manifests: Mapping[str, IomodManifest],
) -> list[Unreachable]:
    """The calls ``module`` names that fail at run time for ``function``: IOmods it does not
    list, and calls its IOmods do not have. ``manifests``: each dependency's, by its name."""
    uses = list(listed)
    names_of: dict[str, list[str]] = {}
    for name, dependency in sorted(dependencies.items()):
        names_of.setdefault(dependency.coordinates, []).append(name)
    listed_names = {use.partition(".")[0] for use in uses}
    reachable = {dependencies[n].coordinates: n for n in listed_names if n in dependencies}
    found = []
    for call in calls_named(module, [*catalog.STANDARD, *names_of]):
        coordinates, _, operation = call.rpartition(".")
        if coordinates in reachable:
            name = reachable[coordinates]
            manifest = manifests.get(name)
            only = {u.partition(".")[2] for u in uses if u.startswith(name + ".")}
            if manifest is not None and operation not in manifest.calls:
                # Rust and Zig lay string constants end to end, with nothing between them:
                # "...dynamodb.put_item" then "the table refused" reads as "put_itemthe".
                known = [c for c in manifest.calls if operation.startswith(c)]
                operation = max(known, key=len) if known else operation
                call = f"{coordinates}.{operation}"
            if manifest is not None and operation not in manifest.calls:
                offered = ", ".join(sorted(manifest.calls)) or "none"
                found.append(Unreachable(call, f"IOmod {coordinates} has no call {operation!r}"
                                               f" (its calls: {offered})"))  # fmt: skip
            elif only and name not in uses and operation not in only:
                found.append(Unreachable(call, f"the function names only"
                                               f" {', '.join(sorted(f'{name}.{c}' for c in only))}"
                                               f" of IOmod {name}, so the call fails with"
                                               f' NotDeclared; add "{name}.{operation}" to'
                                               f" `functions.{function}.iomods`"))  # fmt: skip
            continue
        declared = names_of.get(coordinates)
        if declared:
            fix = f"add {' or '.join(repr(n) for n in declared)} to `functions.{function}.iomods`"
        else:
            fix = (
                f'declare it as [iomods.NAME] with coordinates = "{coordinates}" and add NAME'
                f" to `functions.{function}.iomods`"
            )
        found.append(Unreachable(call, f"the function does not list IOmod {coordinates}, so the"
                                       f" call fails with NotDeclared; {fix}"))  # fmt: skip
    return found


def reach_problems(
    service: Service, function: str, module: bytes, manifests: Mapping[str, IomodManifest]
) -> list[Problem]:
    """:func:`unreachable_calls` as warnings on the function's ``iomods`` key."""
    listed = service.manifest.functions[function].iomods
    found = unreachable_calls(module, function, listed, service.manifest.iomods, manifests)
    file = f"{SERVICES_DIR}/{service.name}/{SERVICE_FILE}"
    key = service.written_key(("functions", function, "iomods"))
    return [Problem(file, key, f"the guest calls {u.call}, but {u.reason}", Severity.WARNING)
            for u in found]  # fmt: skip
