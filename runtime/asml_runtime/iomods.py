"""The runtime's side of IOmod calls, as the guest ABI sees them.

:class:`NoIomods` serves functions that declare no IOmods: every call is refused with -1,
which the ABI's host turns into an error the guest reads (:mod:`asml_runtime.undeclared`).
Functions that declare IOmods list them in ``iomods.json`` beside their artifact (``asml
build`` writes it); :func:`load_iomods` starts them with an
:class:`~asml_runtime.iomod_host.IomodHost`, found on the IOmod search path:
``ASML_IOMOD_PATH`` (directories separated by ``:``), else ``/opt/asml/iomods``, where the
service's IOmod layer puts them on Lambda.
"""

from __future__ import annotations

import json
import os

from asml_runtime.errors import LoadError

TYPE_CHECKING = False  # typing and pathlib are not imported at cold start
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Protocol

    from asml_iomods.manifest import IomodManifest
    from asml_runtime import iomod_host

    class IomodClient(Protocol):
        def invoke(self, call: str, data: bytes) -> int:
            """Start a call; its id (> 0), or -1 if this function may not make it."""
            ...

        def poll(self, identifier: int) -> int:
            """0 running, 1 result, 2 error, -1 unknown."""
            ...

        def wait(self, identifier: int, timeout: float) -> int:
            """Block up to ``timeout`` seconds: 1 result, 2 error, 0 still running, -1 unknown."""
            ...

        def result(self, identifier: int) -> bytes | None:
            """The result or error text of a finished call, else None."""
            ...

        def forget(self, identifier: int) -> None: ...

        def reset(self) -> None:
            """Forget every call: a new event begins."""
            ...


IOMODS_FILE = "iomods.json"
SEARCH_PATH_ENV = "ASML_IOMOD_PATH"
LAYER_DIRECTORY = "/opt/asml/iomods"
CALL_TIMEOUT_ENV = "ASML_IOMOD_CALL_TIMEOUT"
REGISTER_TIMEOUT_ENV = "ASML_IOMOD_REGISTER_TIMEOUT"


class NoIomods:
    def invoke(self, call: str, data: bytes) -> int:
        return -1

    def poll(self, identifier: int) -> int:
        return -1

    def wait(self, identifier: int, timeout: float) -> int:
        return -1

    def result(self, identifier: int) -> bytes | None:
        return None

    def forget(self, identifier: int) -> None:
        pass

    def reset(self) -> None:
        pass


class IomodConfigError(LoadError):
    """The function's IOmods cannot be found or started."""


def _entries(function_dir: Path | str) -> list[dict[str, object]]:
    path = os.path.join(function_dir, IOMODS_FILE)
    if not os.path.isfile(path):
        return []
    try:
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)["iomods"]
        for entry in entries:
            if not {"coordinates", "version"} <= set(entry):
                raise KeyError("coordinates and version")
            if not isinstance(entry.get("calls", []), list):
                raise TypeError("calls is not a list")
        return list(entries)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IomodConfigError(f"{path}: unreadable ({error}); rebuild with `asml build`") from None


def declared(function_dir: Path | str) -> list[tuple[str, str]]:
    """The (coordinates, version) of the IOmods in the function's ``iomods.json``."""
    return [(str(e["coordinates"]), str(e["version"])) for e in _entries(function_dir)]


def restricted_calls(function_dir: Path | str) -> dict[str, tuple[str, frozenset[str]]]:
    """The IOmods the function may make only some calls of: coordinates -> (its name in the
    service, those calls). An IOmod not here may be called in full."""
    return {
        str(e["coordinates"]): (str(e.get("name", e["coordinates"])),
                                frozenset(str(c) for c in e["calls"]))  # type: ignore[attr-defined]
        for e in _entries(function_dir)
        if "calls" in e
    }  # fmt: skip


def search_path() -> list[Path]:
    from pathlib import Path

    configured = os.environ.get(SEARCH_PATH_ENV)
    return (
        [Path(p) for p in configured.split(os.pathsep) if p]
        if configured
        else [Path(LAYER_DIRECTORY)]
    )


def _seconds(variable: str, default: float) -> float:
    value = os.environ.get(variable)
    try:
        return float(value) if value else default
    except ValueError:
        raise IomodConfigError(f"{variable}={value!r} is not a number of seconds") from None


def load_iomods(function_dir: Path | str) -> IomodClient:
    """Start the IOmods the function declares, or :class:`NoIomods` if it declares none."""
    wanted = declared(function_dir)
    if not wanted:
        return NoIomods()
    # Only functions with IOmods pay for the protocol (pycapnp, from the IOmod layer).
    from asml_iomods import manifest as manifests

    found = []
    for coordinates, version in wanted:
        directory = next(
            (d / coordinates for d in search_path() if (d / coordinates).is_dir()), None
        )
        if directory is None:
            places = ", ".join(str(p) for p in search_path())
            raise IomodConfigError(
                f"IOmod {coordinates} is not installed in {places} (is the service's IOmod layer"
                f" attached? locally, set {SEARCH_PATH_ENV})"
            )
        try:
            manifest = manifests.read(directory)
        except manifests.ManifestError as error:
            raise IomodConfigError(str(error)) from None
        if manifest.version != version:
            raise IomodConfigError(
                f"{directory}: IOmod {coordinates} is version {manifest.version}; the function"
                f" was built for {version}. Rebuild and redeploy the service."
            )
        found.append((manifest, directory))
    restricted = restricted_calls(function_dir)
    return _shared_host(found).client((c for c, _ in wanted), restricted)


# One host per process: its Cap'n Proto event loop is bound to the thread, and a thread can
# have only one. Functions loaded later in the same process (asml serve) share it.
_host: iomod_host.IomodHost | None = None


def close_host() -> None:
    """Stop this process's IOmods (a server that loads and unloads functions calls it)."""
    if _host is not None:
        _host.close()


def _shared_host(found: list[tuple[IomodManifest, Path]]) -> iomod_host.IomodHost:
    from asml_runtime import iomod_host

    global _host
    if _host is None or _host.closed:
        _host = iomod_host.IomodHost(
            found,
            call_timeout=_seconds(CALL_TIMEOUT_ENV, iomod_host.CALL_TIMEOUT_S),
            register_timeout=_seconds(REGISTER_TIMEOUT_ENV, iomod_host.REGISTER_TIMEOUT_S),
        ).start()
        return _host
    for manifest, directory in found:
        running = _host.members.get(manifest.coordinates)
        if running is not None and running.directory != directory:
            raise IomodConfigError(
                f"IOmod {manifest.coordinates} from {directory} cannot join this process,"
                f" which already runs it from {running.directory}"
            )
    _host.add(found)
    return _host
