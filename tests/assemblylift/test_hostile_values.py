"""Every value of every AssemblyLift project, swapped for a value of each wrong type, gives
manifest errors and never an exception: reading AssemblyLift's shapes walks the raw TOML
before anything is validated, and each step there must expect anything (once, an integer
`[iomod] dependencies` ended in a TypeError traceback). What loads, `asml migrate` plans too."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from asml.errors import ManifestError
from asml.manifest import load_project
from asml.manifest.assemblylift.migrate import plan
from tests.assemblylift.test_versions import PROJECTS, VERSIONS

_WRONG: list[Any] = [3, "x", [1], {"a": 1}, True, [], {}, ""]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path, tables included (a table can be replaced by a scalar too)."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict):
                yield from _leaves(value, (*path, index))


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> None:
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _cases() -> Iterator[Any]:
    for version in VERSIONS:
        root = PROJECTS / version / "project"
        for manifest in [root / "assemblylift.toml", *sorted(root.glob("services/*/service.toml"))]:
            relative = manifest.relative_to(root).as_posix()
            data = tomlkit.parse(manifest.read_text(encoding="utf-8")).unwrap()
            paths = list(_leaves(data))
            yield pytest.param(version, relative, paths, id=f"{version}-{relative}")


@pytest.mark.parametrize(("version", "relative", "paths"), list(_cases()))
def test_any_wrong_value_is_a_manifest_error_not_a_crash(
    version: str, relative: str, paths: list[tuple[Any, ...]], tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / version / "project", root)
    manifest = root / relative
    original = manifest.read_text(encoding="utf-8")
    assert paths, f"{relative} has no keys"
    crashes = []
    for path in paths:
        for wrong in _WRONG:
            document = tomlkit.parse(original).unwrap()
            _replace(document, path, copy.deepcopy(wrong))
            manifest.write_text(tomlkit.dumps(document), encoding="utf-8")
            try:
                load_project(root)
                plan(root)  # what loads, migrate can rewrite
            except ManifestError:
                pass
            except Exception as error:  # any other exception is the bug
                crashes.append(f"{'.'.join(map(str, path))} = {wrong!r}: {error!r}")
    assert not crashes, "\n".join(crashes)
