"""Zips and layers: the same inputs give the same bytes, whatever the files' times and modes."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from asml.errors import ToolchainError
from asml.package.lambda_platform import PROVIDED_AL2023, PYTHON310, PYTHON312, runtime_for
from asml.package.runtime_layer import LayerSpec, _check_native
from asml.package.zips import EPOCH, tree_entries, write_zip
from tests.conftest import write_tree

FILES = {"b/two.py": "print(2)\n", "a.txt": "one\n", "b/__pycache__/two.cpython-310.pyc": "x"}


def test_the_same_files_give_the_same_bytes(tmp_path: Path) -> None:
    first = write_tree(tmp_path / "first", FILES)
    second = write_tree(tmp_path / "second", dict(reversed(FILES.items())))
    os.utime(second / "a.txt", (0, 0))
    (second / "b/two.py").chmod(0o600)
    one = write_zip(tmp_path / "one.zip", tree_entries(first))
    two = write_zip(tmp_path / "out" / "two.zip", tree_entries(second))
    assert one.path.read_bytes() == two.path.read_bytes()
    assert one.sha256 == two.sha256
    with zipfile.ZipFile(one.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a.txt", "b/two.py"], "sorted, no bytecode"
    assert {i.date_time for i in infos} == {EPOCH}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert one.unpacked == len("one\n") + len("print(2)\n")


def test_executables_keep_their_bit_and_hashes_are_terraforms(tmp_path: Path) -> None:
    tool = write_tree(tmp_path / "t", {"run.sh": "#!/bin/sh\n"}) / "run.sh"
    tool.chmod(0o700)
    result = write_zip(tmp_path / "t.zip", {"bin/run.sh": tool})
    with zipfile.ZipFile(result.path) as archive:
        assert archive.getinfo("bin/run.sh").external_attr >> 16 == 0o100755
    expected = base64.b64encode(hashlib.sha256(result.path.read_bytes()).digest()).decode()
    assert result.base64_sha256 == expected


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_zip(tmp_path / "out.zip", {"gone": tmp_path / "missing"})
    assert list(tmp_path.iterdir()) == []


def test_lambda_runtimes_and_the_wheel_tags_they_accept() -> None:
    assert runtime_for("wasmer") is PROVIDED_AL2023  # the custom runtime is the default
    assert runtime_for("wasmer", "python3.10") is PYTHON310
    assert runtime_for("wasmtime") is PYTHON312
    assert runtime_for("wasmtime", "python3.10") is PYTHON312  # wasmer's setting only
    assert (PROVIDED_AL2023.label, PYTHON310.label) == ("provided_al2023", "python310")
    assert PROVIDED_AL2023.platform_tags("x86_64")[0] == "manylinux_2_34_x86_64"
    tags = PYTHON310.platform_tags("x86_64")
    assert tags[0] == "manylinux_2_26_x86_64"
    assert {"manylinux_2_24_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert "manylinux_2_27_x86_64" not in tags
    arm = PYTHON312.platform_tags("arm64")
    assert arm[0] == "manylinux_2_34_aarch64" and "manylinux2014_aarch64" in arm
    assert not any("x86_64" in tag or "manylinux1" in tag for tag in arm)


def test_a_none_any_engine_wheel_is_refused(tmp_path: Path) -> None:
    spec = LayerSpec("wasmtime", "50.0.1", "arm64", PYTHON312)
    info = tmp_path / "wasmtime-50.0.1.dist-info"
    info.mkdir()
    (info / "WHEEL").write_text("Wheel-Version: 1.0\nTag: py3-none-any\n")
    with pytest.raises(ToolchainError, match=r"PyPI has no Linux arm64 wheel of wasmtime 50\.0\.1"):
        _check_native(spec, tmp_path)
    (info / "WHEEL").write_text("Wheel-Version: 1.0\nTag: py3-none-manylinux2014_aarch64\n")
    _check_native(spec, tmp_path)
