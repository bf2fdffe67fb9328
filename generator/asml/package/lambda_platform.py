"""Which Lambda runtime runs a function, and what its machines accept.

The wasmer engines need CPython 3.10 (their wheels stop there), x86_64 only. By default they
run on ``provided.al2023``, a custom runtime (Amazon Linux 2023, glibc 2.34, supported until
2029) that brings its own CPython 3.10 in a layer; the managed ``python3.10`` runtime (Amazon
Linux 2, glibc 2.26) stays available but AWS no longer supports it. wasmtime is one ctypes
wheel for any CPython, so it runs on the managed ``python3.12``, on x86_64 and arm64.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LambdaRuntime:
    name: str  # Lambda's runtime identifier
    python_version: str
    glibc_minor: int  # glibc 2.N of the runtime's Amazon Linux
    # A custom runtime (provided.*): Lambda gives it no Python, no boto3 and no bootstrap.
    custom: bool = False

    @property
    def label(self) -> str:
        """The name without dots, for layer names and Terraform labels: ``python310``."""
        return self.name.replace(".", "_") if self.custom else self.name.replace(".", "")

    def platform_tags(self, architecture: str) -> list[str]:
        """Every wheel platform tag this runtime's glibc accepts, newest first.

        pip does not widen ``--platform`` to older manylinux tags by itself, and when nothing
        matches it falls back to a ``none-any`` wheel, which for an engine is a stub or the
        wrong OS's library. So every acceptable tag is named.
        """
        machine = {"x86_64": "x86_64", "arm64": "aarch64"}[architecture]
        tags = [f"manylinux_2_{minor}_{machine}" for minor in range(self.glibc_minor, 16, -1)]
        tags.append(f"manylinux2014_{machine}")
        if machine == "x86_64":
            tags += [f"manylinux_2_{minor}_{machine}" for minor in range(16, 4, -1)]
            tags += [f"manylinux2010_{machine}", f"manylinux1_{machine}"]
        return tags


PYTHON310 = LambdaRuntime("python3.10", "3.10", 26)
PYTHON312 = LambdaRuntime("python3.12", "3.12", 34)
PROVIDED_AL2023 = LambdaRuntime("provided.al2023", "3.10", 34, custom=True)

# The Lambda runtimes a wasmer function may run on (the manifest's `wasmer_runtime`).
WASMER_RUNTIMES = {runtime.name: runtime for runtime in (PROVIDED_AL2023, PYTHON310)}
DEFAULT_WASMER_RUNTIME = PROVIDED_AL2023


def runtime_for(engine_package: str, wasmer_runtime: str | None = None) -> LambdaRuntime:
    """The Lambda runtime for an engine package (``wasmer`` or ``wasmtime``)."""
    if engine_package != "wasmer":
        return PYTHON312
    if wasmer_runtime is None:
        return DEFAULT_WASMER_RUNTIME
    return WASMER_RUNTIMES[wasmer_runtime]


def runtime_by_name(name: str) -> LambdaRuntime:
    """A Lambda runtime asml deploys to, by its identifier (``provided.al2023``)."""
    return {r.name: r for r in (PYTHON310, PYTHON312, PROVIDED_AL2023)}[name]
