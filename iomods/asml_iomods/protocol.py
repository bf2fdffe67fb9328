"""What both ends of the IOmod protocol share: the schema, its names and the failure codes.

``pycapnp`` is imported only by :func:`schema`, so code that merely reads IOmod manifests
(the generator, a runtime without IOmods) never pays for it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

PROTOCOL_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("iomod.capnp")
# The environment variable through which the runtime tells an IOmod where to register.
REGISTRY_ENV = "ASML_IOMOD_REGISTRY"
COORDINATES = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*){2}$")
CALL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")

# Failure codes (iomod.capnp lists what each means).
BAD_INPUT = "BadInput"
UNKNOWN_CALL = "UnknownCall"
NOT_FOUND = "NotFound"
DENIED = "Denied"
UPSTREAM = "Upstream"
INTERNAL = "Internal"
UNAVAILABLE = "Unavailable"
CRASHED = "Crashed"
TIMEOUT = "Timeout"


@functools.cache
def schema() -> Any:
    """The compiled ``iomod.capnp`` module (``Registry``, ``Iomod``, ``Outcome``, ``Failure``)."""
    import capnp  # type: ignore[import-untyped]

    return capnp.load(str(SCHEMA_FILE))


def split_call(name: str) -> tuple[str, str]:
    """``"akkoro.aws.dynamodb.put_item"`` -> ``("akkoro.aws.dynamodb", "put_item")``."""
    coordinates, _, call = name.rpartition(".")
    return coordinates, call
