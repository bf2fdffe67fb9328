"""Read a module's imports and exports straight from its binary sections.

Enough of the format to check a guest before any engine sees it (is it wasm at all, does it
export its handler and memory, does it import only what the runtime provides), without
paying for a compile. See https://webassembly.github.io/spec/core/binary/modules.html.
"""

from __future__ import annotations

from dataclasses import dataclass

MAGIC = b"\0asm"
_IMPORT_SECTION = 2
_EXPORT_SECTION = 7
_KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}


class WasmFormatError(ValueError):
    """The bytes are not a WebAssembly module this reader understands."""


@dataclass(frozen=True)
class WasmInfo:
    imports: tuple[tuple[str, str, str], ...]  # (module, name, kind)
    exports: tuple[tuple[str, str], ...]  # (name, kind)

    def exported(self, name: str, kind: str) -> bool:
        return (name, kind) in self.exports

    def imported_memory(self) -> bool:
        return any(kind == "memory" for _, _, kind in self.imports)


class _Reader:
    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = start
        self.end = len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise WasmFormatError("unexpected end of section")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def u32(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 35:
                raise WasmFormatError("integer too long")

    def name(self) -> str:
        length = self.u32()
        if self.pos + length > self.end:
            raise WasmFormatError("name runs past its section")
        raw = self.data[self.pos : self.pos + length]
        self.pos += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WasmFormatError("a name is not UTF-8") from None

    def skip_limits(self) -> None:
        flags = self.u32()
        self.u32()
        if flags & 1:
            self.u32()

    def skip_import_description(self, kind: int) -> None:
        if kind == 0 or kind == 4:  # function / tag: a type index (tag: attribute first)
            if kind == 4:
                self.byte()
            self.u32()
        elif kind == 1:  # table: reference type + limits
            self.byte()
            self.skip_limits()
        elif kind == 2:
            self.skip_limits()
        elif kind == 3:  # global: value type + mutability
            self.byte()
            self.byte()
        else:
            raise WasmFormatError(f"unknown import kind {kind}")


def read_wasm_info(data: bytes) -> WasmInfo:
    if len(data) < 8 or data[:4] != MAGIC:
        raise WasmFormatError("not a WebAssembly module (no \\0asm header)")
    if data[4:8] != b"\x01\x00\x00\x00":
        raise WasmFormatError("not a core WebAssembly module, version 1 (a component?)")
    imports: list[tuple[str, str, str]] = []
    exports: list[tuple[str, str]] = []
    reader = _Reader(data, 8)
    while reader.pos < len(data):
        section = reader.byte()
        size = reader.u32()
        end = reader.pos + size
        if end > len(data):
            raise WasmFormatError("a section runs past the end of the module")
        body = _Reader(data, reader.pos, end)
        if section == _IMPORT_SECTION:
            for _ in range(body.u32()):
                module, name, kind = body.name(), body.name(), body.byte()
                body.skip_import_description(kind)
                imports.append((module, name, _KINDS.get(kind, "?")))
        elif section == _EXPORT_SECTION:
            for _ in range(body.u32()):
                name, kind = body.name(), body.byte()
                body.u32()
                exports.append((name, _KINDS.get(kind, "?")))
        reader.pos = end
    return WasmInfo(tuple(imports), tuple(exports))
