"""Finding the compilers guests are built with, and telling the user how to get a missing one.

Each tool has an identity (its path, size and mtime) that goes into the build cache key, so
a new compiler rebuilds everything it compiled, without running the tool to ask its version.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from asml.errors import ToolchainError


@dataclass(frozen=True)
class Tool:
    name: str
    command: tuple[str, ...]  # argv prefix that runs it
    path: Path

    @property
    def identity(self) -> str:
        stat = self.path.stat()
        return f"{self.name}:{self.path}:{stat.st_size}:{stat.st_mtime_ns}"


@cache
def zig() -> Tool:
    """zig from the PyPI ``ziglang`` package: C, C++ and Zig to wasm32-wasi with no system
    packages."""
    override = os.environ.get("ASML_ZIG")
    if override:
        return Tool("zig", (override,), Path(override))
    try:
        import ziglang  # type: ignore[import-untyped]
    except ImportError:
        found = shutil.which("zig")
        if found:
            return Tool("zig", (found,), Path(found))
        raise ToolchainError(
            "C, C++ and Zig functions are compiled with zig; install it with"
            " `pip install ziglang` (or put a zig binary on PATH, or set ASML_ZIG)"
        ) from None
    binary = Path(ziglang.__file__).parent / "zig"
    return Tool("zig", (str(binary),), binary)


C_TOOLCHAINS = ("zig", "clang")


def c_compiler(cpp: bool) -> tuple[Tool, tuple[str, ...]]:
    """The C or C++ compiler (and its leading arguments) chosen by ``ASML_C_TOOLCHAIN``.

    zig (the default) needs nothing but PyPI; clang is Debian's, with its wasi-libc.
    """
    choice = os.environ.get("ASML_C_TOOLCHAIN", "zig")
    if choice == "zig":
        tool = zig()
        return tool, (*tool.command, "c++" if cpp else "cc")
    if choice == "clang":
        tool = clang(cpp)
        return tool, tool.command
    raise ToolchainError(
        f'ASML_C_TOOLCHAIN="{choice}" is not a C toolchain; use one of {", ".join(C_TOOLCHAINS)}'
    )


def c_compiler_name(cpp: bool) -> str:
    """What messages call it: "C compiler (zig cc)", "C++ compiler (clang++)"."""
    language = "C++" if cpp else "C"
    if os.environ.get("ASML_C_TOOLCHAIN", "zig") == "clang":
        return f"{language} compiler ({'clang++' if cpp else 'clang'})"
    return f"{language} compiler (zig {'c++' if cpp else 'cc'})"


@cache
def clang(cpp: bool) -> Tool:
    """Debian's clang with wasi-libc (and libc++ for C++), wasm-ld from lld."""
    name = "clang++" if cpp else "clang"
    found = shutil.which(name)
    packages = "clang lld wasi-libc libclang-rt-14-dev-wasm32"
    packages += " libc++-14-dev-wasm32 libc++abi-14-dev-wasm32" if cpp else ""
    if (
        found is None
        or shutil.which("wasm-ld") is None
        or not Path("/usr/lib/wasm32-wasi").is_dir()
    ):
        raise ToolchainError(
            f"ASML_C_TOOLCHAIN=clang needs {name}, wasm-ld and wasi-libc; on Debian/Ubuntu:"
            f" `apt-get install {packages}` (or unset ASML_C_TOOLCHAIN to use zig)"
        )
    return Tool(name, (found,), Path(found))


@cache
def rustc() -> Tool:
    """A rustc whose sysroot has the wasm32-wasi standard library.

    rustup's toolchains here have no wasm32 target and cannot download one; Debian's rustc
    with ``libstd-rust-dev-wasm32`` has it. So we look for the target, not just for rustc.
    """
    candidates = [os.environ.get("ASML_RUSTC"), shutil.which("rustc"), "/usr/bin/rustc"]
    for candidate in candidates:
        if not candidate or not Path(candidate).is_file():
            continue
        if _has_wasm_std(Path(candidate)):
            return Tool("rustc", (candidate,), Path(candidate))
    raise ToolchainError(
        "Rust functions need a rustc with the wasm32-wasi standard library; on Debian/Ubuntu:"
        " `apt-get install rustc libstd-rust-dev-wasm32`, or with rustup:"
        " `rustup target add wasm32-wasip1` (then set ASML_RUSTC to that rustc)"
    )


def _has_wasm_std(binary: Path) -> bool:
    # rustc's sysroot is the directory above its bin/ (Debian: /usr, rustup: the toolchain).
    sysroot = binary.resolve().parent.parent
    return any((sysroot / "lib" / "rustlib" / t).is_dir() for t in ("wasm32-wasi", "wasm32-wasip1"))


@cache
def npm() -> Tool:
    found = shutil.which("npm")
    if found is None or shutil.which("node") is None:
        raise ToolchainError(
            "AssemblyScript functions need Node.js and npm (node 18 or newer);"
            " on Debian/Ubuntu: `apt-get install nodejs npm`"
        )
    return Tool("npm", (found,), Path(found))


def python() -> Tool:
    return Tool("python", (sys.executable,), Path(sys.executable))
