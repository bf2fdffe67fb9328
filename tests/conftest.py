"""Shared test helpers: a pinned clock, file trees, and the CLI runner."""

from __future__ import annotations

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
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

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
