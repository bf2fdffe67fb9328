"""The machines artifacts are compiled for: Lambda's, not the build host's.

Compiling for the host would bake in whatever CPU features it has and could produce an
artifact that crashes (SIGILL) on another Lambda host. AWS documents AVX2 support on every
x86_64 Lambda host, so the x86_64 baseline is x86-64-v3 without the optional extras; wasmer's
singlepass compiler needs AVX anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from asml.manifest import vocabulary as v


@dataclass(frozen=True)
class Target:
    architecture: str
    triple: str
    # CPU features, in wasmer's spelling
    wasmer_features: tuple[str, ...]
    # the same features as Cranelift settings, for wasmtime
    cranelift_flags: tuple[str, ...]


X86_64 = Target(
    architecture="x86_64",
    triple="x86_64-unknown-linux-gnu",
    wasmer_features=("sse2", "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2",
                     "bmi", "bmi2", "lzcnt"),
    cranelift_flags=("has_sse3", "has_ssse3", "has_sse41", "has_sse42", "has_popcnt",
                     "has_avx", "has_avx2", "has_bmi1", "has_bmi2", "has_lzcnt"),
)  # fmt: skip

ARM64 = Target(
    architecture="arm64", triple="aarch64-unknown-linux-gnu", wasmer_features=(), cranelift_flags=()
)

TARGETS: dict[v.Architecture, Target] = {"x86_64": X86_64, "arm64": ARM64}
