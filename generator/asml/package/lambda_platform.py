"""Which Lambda managed runtime runs a function, and what its machines accept.

The wasmer engines need CPython 3.10 (their wheels stop there), so they run on ``python3.10``
(Amazon Linux 2, glibc 2.26), x86_64 only. wasmtime is one ctypes wheel for any CPython, so
it runs on ``python3.12`` (Amazon Linux 2023, glibc 2.34), on x86_64 and arm64.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LambdaRuntime:
    name: str  # Lambda's runtime identifier
    python_version: str
    glibc_minor: int  # glibc 2.N of the runtime's Amazon Linux

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


def runtime_for(engine_package: str) -> LambdaRuntime:
    """The managed runtime for an engine package (``wasmer`` or ``wasmtime``)."""
    return PYTHON310 if engine_package == "wasmer" else PYTHON312
