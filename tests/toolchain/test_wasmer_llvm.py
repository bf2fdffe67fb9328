"""The wasmer-compiler-llvm repair, on a real copy of the wheel as PyPI ships it."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from asml.toolchain import wasmer_llvm

pytestmark = pytest.mark.wasmer


def _run_probe(site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-c", wasmer_llvm._PROBE], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def published_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """wasmer-compiler-llvm 1.1.0 exactly as PyPI serves it (pip's cache has it after bootstrap)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--dest", str(folder), "wasmer-compiler-llvm==1.1.0"],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = folder.glob("*.whl")
    return wheel


@pytest.fixture
def broken_copy(published_wheel: Path, tmp_path: Path) -> wasmer_llvm.Installation:
    """The published wheel unpacked into a site directory of its own."""
    site = tmp_path / "site"
    with zipfile.ZipFile(published_wheel) as archive:
        archive.extractall(site)
    package = site / wasmer_llvm.PACKAGE
    for extension in package.glob("*.so"):
        extension.chmod(0o755)
    (extension,) = package.glob("*.so")
    return wasmer_llvm.Installation(site, extension, site / f"{wasmer_llvm.PACKAGE}.libs")


def test_the_installed_wheel_compiles() -> None:
    wasmer_llvm.verify()


def test_repair_makes_a_broken_wheel_work(broken_copy: wasmer_llvm.Installation) -> None:
    broken = _run_probe(broken_copy.site)
    assert broken.returncode != 0
    assert "Inconsistency detected by ld.so" in broken.stderr

    changes = wasmer_llvm.repair(broken_copy)
    assert changes == [
        f"renamed libtinfo-91270aa7.so.5 to {wasmer_llvm.PLAIN_NAME}",
        f"pointed {broken_copy.extension.name} at {wasmer_llvm.PLAIN_NAME}",
    ]
    fixed = _run_probe(broken_copy.site)
    assert (fixed.returncode, fixed.stdout) == (0, "ok\n"), fixed.stderr
    assert wasmer_llvm.repair(broken_copy) == []  # idempotent


def test_repair_keeps_pips_record_true(broken_copy: wasmer_llvm.Installation) -> None:
    wasmer_llvm.repair(broken_copy)
    (record,) = broken_copy.site.glob("wasmer_compiler_llvm-*.dist-info/RECORD")
    entries = {line.split(",")[0]: line for line in record.read_text().splitlines()}
    for target in (broken_copy.extension, broken_copy.libs / wasmer_llvm.PLAIN_NAME):
        relative = target.relative_to(broken_copy.site).as_posix()
        # pip's RECORD form: sha256=<urlsafe base64 of the digest, without padding>
        raw = hashlib.sha256(target.read_bytes()).digest()
        digest = "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        assert entries[relative] == f"{relative},{digest},{target.stat().st_size}"
    assert not any("libtinfo-" in path for path in entries)
