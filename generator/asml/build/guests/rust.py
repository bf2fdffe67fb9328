"""Rust with rustc for wasm32-wasi, as a cdylib.

There is no cargo with a wasm target here (and no crates.io), so the crate root is compiled
with rustc directly, linked with the guest SDK (the crate ``asml``) and the crates its
Cargo.toml names by path or from a ``cargo vendor`` directory, each compiled first as an
rlib (see :mod:`asml.build.guests.cargo`). The crate's name, edition and root come from its
Cargo.toml.
"""

from __future__ import annotations

from pathlib import Path

from asml.build import fingerprint, toolchains
from asml.build.guests.base import BuildFailed, Guest, project_root_of, run_tool
from asml.build.guests.cargo import Crate, Resolution, resolve
from asml.manifest.problems import Problem
from asml_sdk import sdk_digest, sdk_dir

_FLAGS = (
    "--crate-type=cdylib",
    "--target=wasm32-wasi",
    "-Copt-level=3",
    "-Clto",
    "-Ccodegen-units=1",
    "-Cpanic=abort",
    "-Cstrip=symbols",
)
_RUSTC = "Rust compiler (rustc)"
_LIBRARY_FLAGS = ("--crate-type=rlib", "--target=wasm32-wasi", "-Copt-level=3", "-Cpanic=abort")


class RustBuilder:
    language = "rust"

    def inputs(self, guest: Guest) -> list[str]:
        # The crates it links from outside its folder count as sources too.
        crates = [
            f"crate:{c.label}:{c.name}:{','.join(c.features)}:{fingerprint.tree_digest(c.directory)}"
            for c in _resolved(guest).dependencies()
        ]
        return [toolchains.rustc().identity, f"sdk:{sdk_digest('rust')}", *_FLAGS, *crates]

    def build(self, guest: Guest, out: Path) -> None:
        resolution = _resolved(guest)
        assert resolution.main is not None
        main, scratch = resolution.main, out.parent
        if not main.root.is_file():
            root = main.root.relative_to(main.directory).as_posix()
            raise BuildFailed(guest, f"{root} does not exist; a Rust guest is a library crate")
        sdk = self._sdk(guest, scratch)
        libraries: dict[Crate, Path] = {}
        for crate in resolution.dependencies():
            libraries[crate] = self._library(guest, crate, sdk, libraries, scratch)
        argv = [
            *toolchains.rustc().command,
            f"--edition={main.edition}",
            f"--crate-name={main.name}",
            *_FLAGS,
            *_links(main, sdk, libraries, scratch),
            # Keep the build directory out of the module, so every checkout builds the same bytes.
            f"--remap-path-prefix={guest.source}=.",
            "-o",
            str(out),
            main.root.relative_to(main.directory).as_posix(),
        ]
        run_tool(guest, argv, cwd=guest.source, env=_cargo_env(main), tool=_RUSTC)

    @staticmethod
    def _library(
        guest: Guest, crate: Crate, sdk: Path, libraries: dict[Crate, Path], scratch: Path
    ) -> Path:
        """A dependency compiled as an rlib; its name is unique, as cargo makes them."""
        metadata = fingerprint.combine([crate.label, crate.name, crate.version])[:16]
        rlib = scratch / f"lib{crate.name}-{metadata}.rlib"
        argv = [
            *toolchains.rustc().command,
            f"--edition={crate.edition}",
            f"--crate-name={crate.name}",
            *_LIBRARY_FLAGS,
            f"-Cmetadata={metadata}",
            "--cap-lints=allow",
            *_links(crate, sdk, libraries, scratch),
            f"--remap-path-prefix={crate.directory}={crate.label}",
            "-o",
            str(rlib),
            crate.root.relative_to(crate.directory).as_posix(),
        ]
        run_tool(guest, argv, cwd=crate.directory, env=_cargo_env(crate), tool=_RUSTC)
        return rlib

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
        run_tool(guest, argv, cwd=scratch, tool=_RUSTC)
        return rlib


def _resolved(guest: Guest) -> Resolution:
    """The guest's crates, or the problems `asml check` reports too, as a build failure."""
    resolution = resolve(guest.source, project_root_of(guest))
    if resolution.problems:
        raise BuildFailed(
            guest,
            "Cargo.toml asks for what asml cannot build (`asml check` says so too):",
            "\n".join(str(problem) for problem in resolution.problems),
        )
    return resolution


def cargo_problems(guest: Guest) -> list[Problem]:
    """What stops a Rust guest building, found from its Cargo.toml, for `asml check`."""
    return resolve(guest.source, project_root_of(guest)).problems


def _links(crate: Crate, sdk: Path, libraries: dict[Crate, Path], scratch: Path) -> list[str]:
    """Its features as cfgs, and the crates it may name: the SDK and its dependencies."""
    flags = [f'--cfg=feature="{feature}"' for feature in crate.features]
    flags.append(f"--extern=asml={sdk}")
    flags += [f"--extern={alias}={libraries[dep]}" for alias, dep in crate.externs]
    return [*flags, f"-Ldependency={scratch}"]


def _cargo_env(crate: Crate) -> dict[str, str]:
    """What cargo tells rustc about the package, for `env!("CARGO_PKG_VERSION")` and its kin."""
    major, minor, patch = ([*crate.version.split("-")[0].split("."), "0", "0"])[:3]
    return {
        "CARGO_PKG_NAME": crate.name,
        "CARGO_CRATE_NAME": crate.name,
        "CARGO_PKG_VERSION": crate.version,
        "CARGO_PKG_VERSION_MAJOR": major,
        "CARGO_PKG_VERSION_MINOR": minor,
        "CARGO_PKG_VERSION_PATCH": patch,
    }
