"""The one definition of the wasmtime Config that artifacts are compiled and loaded with.

wasmtime refuses (or worse) a module compiled under different settings, so both sides build
their Config from the settings stored in the artifact record, through this function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import wasmtime


def compile_settings(triple: str | None, cranelift_flags: tuple[str, ...] = ()) -> dict[str, Any]:
    """Settings for a new artifact: fast code, and epoch interruption for request timeouts.

    ``triple`` None means "the host that loads it": for a .wasm compiled at cold start.
    Never build an Engine for a foreign triple: the PyPI wheel aborts the process on one.
    """
    settings: dict[str, Any] = {"cranelift_opt_level": "speed", "epoch_interruption": True}
    if triple is not None:
        settings |= {"target": triple, "cranelift_flags": list(cranelift_flags)}
    return settings


def make_config(settings: dict[str, Any]) -> wasmtime.Config:
    import wasmtime

    config = wasmtime.Config()
    if "target" in settings:
        # Setting the target also stops wasmtime from using the build host's CPU features.
        config.target = settings["target"]
        for flag in settings["cranelift_flags"]:
            config.cranelift_flag_enable(flag)
    config.cranelift_opt_level = settings["cranelift_opt_level"]
    config.epoch_interruption = settings["epoch_interruption"]
    return config
