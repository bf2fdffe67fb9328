"""A .wasm built elsewhere, named by `source`: used as it is."""

from __future__ import annotations

from pathlib import Path

from asml.build.guests.base import Guest


class PrebuiltBuilder:
    """A .wasm built elsewhere: copied as it is."""

    language = "wasm"

    def inputs(self, guest: Guest) -> list[str]:
        return ["prebuilt"]

    def build(self, guest: Guest, out: Path) -> None:
        out.write_bytes(guest.source.read_bytes())
