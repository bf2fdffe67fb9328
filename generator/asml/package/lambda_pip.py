"""Installing Python packages for *Lambda's* platform, and copying asml's own packages.

pip installs from wheels for Lambda's CPython and glibc (every tag the runtime accepts, since
pip does not widen ``--platform`` by itself), never from the build machine's site-packages.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from asml.errors import ToolchainError
from asml.package.lambda_platform import LambdaRuntime
from asml.package.zips import tree_entries


def install(
    requirements: Sequence[str], runtime: LambdaRuntime, architecture: str, tree: Path, what: str
) -> None:
    """``pip install --target tree`` the exact ``requirements`` (no dependency resolution:
    the list must be complete, so that the result never drifts)."""
    platforms = [arg for tag in runtime.platform_tags(architecture) for arg in ("--platform", tag)]
    argv = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-compile", "--no-deps", "--only-binary=:all:", "--implementation", "cp",
        "--python-version", runtime.python_version, *platforms,
        "--target", str(tree), *requirements,
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ToolchainError(
            f"cannot install {', '.join(requirements)} for Lambda's {runtime.name} on"
            f" {architecture} into {what} (pip said: {last_lines(result.stderr)}); check that"
            " PyPI is reachable"
        )
    # Console scripts point at the build machine's interpreter; Lambda never runs them. Their
    # RECORD lines go too: each holds the hash of a script whose shebang is this machine's
    # path to Python, so keeping them would make the layer's bytes differ between checkouts.
    shutil.rmtree(tree / "bin", ignore_errors=True)
    for record in sorted(tree.glob("*.dist-info/RECORD")):
        _drop_entries_outside(record)


def _drop_entries_outside(record: Path) -> None:
    """Keep only the RECORD lines of files inside the install folder (not ``../../bin/...``)."""
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("../")]
    if kept != lines:
        record.write_text("".join(kept), encoding="utf-8")


def package_sources(name: str) -> Path:
    """The folder of one of asml's own packages (asml_runtime, asml_iomods)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ToolchainError(f"{name} is not installed; reinstall asml")
    return Path(next(iter(spec.submodule_search_locations)))


def copy_package(name: str, tree: Path) -> None:
    shutil.copytree(
        package_sources(name), tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for name, path in sorted(tree_entries(root).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if not line.startswith("WARNING: Location")]
    return " / ".join(lines[-count:]) or "nothing"
