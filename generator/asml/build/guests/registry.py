"""Which builder compiles which language."""

from __future__ import annotations

from asml.build.guests.assemblyscript import AssemblyScriptBuilder
from asml.build.guests.base import GuestBuilder
from asml.build.guests.clang_like import CBuilder
from asml.build.guests.prebuilt import PrebuiltBuilder
from asml.build.guests.rust import RustBuilder
from asml.build.guests.wat import WatBuilder
from asml.build.guests.zig import ZigBuilder

_BUILDERS: dict[str, GuestBuilder] = {
    "c": CBuilder("c"),
    "cpp": CBuilder("cpp"),
    "zig": ZigBuilder(),
    "rust": RustBuilder(),
    "assemblyscript": AssemblyScriptBuilder(),
    "wat": WatBuilder(),
    "wasm": PrebuiltBuilder(),
}


def builder_for(language: str) -> GuestBuilder:
    return _BUILDERS[language]
