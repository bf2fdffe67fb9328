"""Rust with rustc for wasm32-wasi, as a cdylib.

There is no cargo with a wasm target here (and no crates.io), so the crate root is compiled
with rustc directly: std only, which is what the guest SDK needs. The crate's name, edition
and root come from its Cargo.toml.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from asml.build import toolchains
from asml_sdk import sdk_dir, sdk_digest
from asml.build.guests.base import BuildFailed, Guest, run_tool

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_FLAGS = (
    "--crate-type=cdylib",
    "--target=wasm32-wasi",
    "-Copt-level=3",
    "-Clto",
    "-Ccodegen-units=1",
    "-Cpanic=abort",
    "-Cstrip=symbols",
)


class RustBuilder:
    language = "rust"

    def inputs(self, guest: Guest) -> list[str]:
        return [toolchains.rustc().identity, f"sdk:{sdk_digest('rust')}", *_FLAGS]

    def build(self, guest: Guest, out: Path) -> None:
        manifest = _cargo_manifest(guest)
        package = manifest.get("package", {})
        library = manifest.get("lib", {})
        dependencies = manifest.get("dependencies") or {}
        if dependencies:
            raise BuildFailed(
                guest,
                f"Cargo.toml has dependencies ({', '.join(sorted(dependencies))}); asml builds"
                " Rust guests with rustc and the standard library only",
            )
        root = str(library.get("path", "src/lib.rs"))
        if not (guest.source / root).is_file():
            raise BuildFailed(guest, f"{root} does not exist; a Rust guest is a library crate")
        name = str(library.get("name") or package.get("name") or "guest").replace("-", "_")
        sdk = self._sdk(guest, out.parent)
        argv = [
            *toolchains.rustc().command,
            f"--edition={package.get('edition', '2021')}",
            f"--crate-name={name}",
            *_FLAGS,
            # Keep the build directory out of the module, so every checkout builds the same bytes.
            f"--remap-path-prefix={guest.source}=.",
            f"--extern=asml={sdk}",
            "-o",
            str(out),
            root,
        ]
        run_tool(guest, argv, cwd=guest.source)


    @staticmethod
    def _sdk(guest: Guest, scratch: Path) -> Path:
        """The SDK compiled as the crate `asml`, for `--extern`."""
        rlib = scratch / "libasml.rlib"
        source = sdk_dir("rust") / "asml.rs"
        argv = [
            *toolchains.rustc().command,
            "--edition=2021",
            "--crate-type=rlib",
            "--crate-name=asml",
            "--target=wasm32-wasi",
            "-Copt-level=3",
            "-Cpanic=abort",
            f"--remap-path-prefix={source.parent}=asml",
            "-o",
            str(rlib),
            str(source),
        ]
        run_tool(guest, argv, cwd=scratch)
        return rlib


def _cargo_manifest(guest: Guest) -> dict[str, Any]:
    path = guest.source / "Cargo.toml"
    if not path.is_file():
        raise BuildFailed(guest, "Cargo.toml is missing; create one with a [package] name")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BuildFailed(guest, f"Cargo.toml cannot be read: {error}") from None
