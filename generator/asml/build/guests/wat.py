"""WAT (the WebAssembly text format), assembled in process."""

from __future__ import annotations

from pathlib import Path

from asml.build.guests.base import BuildFailed, Guest


def _text_file(guest: Guest) -> Path:
    if guest.source.is_file():
        return guest.source
    candidates = sorted(guest.source.glob("*.wat"))
    if len(candidates) != 1:
        raise BuildFailed(guest, f"expected one .wat file in the folder, found {len(candidates)}")
    return candidates[0]


class WatBuilder:
    language = "wat"

    def inputs(self, guest: Guest) -> list[str]:
        from importlib.metadata import version

        return [f"wat2wasm:wasmtime-{version('wasmtime')}"]

    def build(self, guest: Guest, out: Path) -> None:
        import wasmtime

        try:
            out.write_bytes(wasmtime.wat2wasm(_text_file(guest).read_text(encoding="utf-8")))
        except wasmtime.WasmtimeError as error:
            raise BuildFailed(guest, "the WAT does not assemble:", str(error)) from None
