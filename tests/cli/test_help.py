"""Every command and option explains itself, and every command shows an example."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from asml.cli import cli
from tests.conftest import RunAsml


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


ALL = [(), *_commands(cli)]


def test_the_command_tree() -> None:
    assert [" ".join(p) for p in ALL] == [
        "", "apply", "build", "cast", "check", "completion", "deploy", "destroy", "init",
        "invoke", "logs", "make",
        "make function", "make service", "migrate", "outputs", "pack", "pack iomod", "package",
        "plan",
        "schema", "serve", "tf",
    ]  # fmt: skip


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "asml")
def test_help_text_and_example(path: tuple[str, ...], run_asml: RunAsml) -> None:
    command = _command(path)
    assert command.help and len(command.help.split()) >= 5
    assert "Example:" in command.help
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{' '.join(path)} {parameter.opts} has no help"
    result = run_asml(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


SNAPSHOTS = Path(__file__).parent / "help"


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "asml")
def test_help_is_exactly_the_snapshot(
    path: tuple[str, ...], run_asml: RunAsml, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Users read --help: its exact text is reviewed like any output (a stray ``\\b`` showed
    up as text once). ``ASML_UPDATE_GOLDEN=1`` rewrites the snapshots; review the diff."""
    monkeypatch.setenv("COLUMNS", "100")
    result = run_asml(*path, "--help")
    assert result.exit_code == 0
    snapshot = SNAPSHOTS / f"{'-'.join(('asml', *path))}.txt"
    if os.environ.get("ASML_UPDATE_GOLDEN"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(result.output, encoding="utf-8")
    assert result.output == snapshot.read_text(encoding="utf-8")
    assert "\\b" not in result.output


def test_version(run_asml: RunAsml) -> None:
    assert run_asml("--version").output == "asml, version 0.1.0\n"
