"""Built guests for the runtime tests: every test guest, once per engine this Python has.

The WAT guests in ``guests/`` need no compiler, so these tests also run on CPython 3.11+
with wasmtime alone; the wasmer engines join on CPython 3.10.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asml.build.pipeline import BUILD_DIR, Builder
from asml.manifest import load_project
from tests.conftest import add_engine_variants

GUESTS = Path(__file__).parent / "guests"


def _wasmer_available() -> bool:
    try:
        import wasmer  # noqa: F401
    except ImportError:
        return False
    return True


WASMER = pytest.param("wasmer-llvm", marks=pytest.mark.wasmer)
ENGINES = [WASMER, "wasmtime"]
AVAILABLE_ENGINES = ["wasmer-llvm", "wasmtime"] if _wasmer_available() else ["wasmtime"]


@pytest.fixture(scope="session")
def guests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with every guest in ``guests/`` as ``<guest>-<engine>``; returns its build dir."""
    root = tmp_path_factory.mktemp("runtime") / "guests"
    service = root / "services" / "t"
    shutil.copytree(GUESTS, service / "src")
    add_engine_variants(
        service / "service.toml",
        {wat.stem: ("wat", f"src/{wat.name}") for wat in sorted(GUESTS.glob("*.wat"))},
        AVAILABLE_ENGINES,
    )
    (root / "assemblylift.toml").write_text(
        '[project]\nname = "rt"\nservices = ["t"]\n', encoding="utf-8"
    )
    Builder(load_project(root)).build()
    return root / BUILD_DIR / "t"
