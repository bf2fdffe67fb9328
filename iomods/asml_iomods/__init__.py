"""IOmods: the processes through which guests reach the network and the cloud.

Holds the protocol, the SDK for writing IOmods and the standard ones. It never imports
``asml`` (the generator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asml_iomods.errors import IomodError
    from asml_iomods.sdk import Iomod

__all__ = ["Iomod", "IomodError"]


def __getattr__(name: str) -> Any:
    # Lazily, so that the runtime can read manifests without importing pydantic.
    if name == "Iomod":
        from asml_iomods.sdk import Iomod

        return Iomod
    if name == "IomodError":
        from asml_iomods.errors import IomodError

        return IomodError
    raise AttributeError(name)
