"""Packages installed for Lambda carry nothing of the machine that installed them."""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

from asml.package.lambda_pip import install
from asml.package.lambda_platform import PROVIDED_AL2023


def test_an_installed_tree_holds_no_trace_of_the_build_interpreter(tmp_path: Path) -> None:
    # jmespath ships a console script: pip writes it to bin/ with this interpreter's path as
    # its shebang, and lists it in RECORD with that file's hash, which differed between
    # checkouts (CI's layer hash was not the committed one).
    tree = tmp_path / "python"
    install(["jmespath==1.1.0"], PROVIDED_AL2023, "x86_64", tree, "a test layer")
    assert not (tree / "bin").exists()
    record = tree / "jmespath-1.1.0.dist-info" / "RECORD"
    for line in record.read_text().splitlines():
        name, digest, _size = line.rsplit(",", 2)
        path = tree / name
        assert path.resolve().is_relative_to(tree.resolve()), f"RECORD names {name}, outside"
        assert path.is_file(), f"RECORD names {name}, which is not installed"
        if digest:
            actual = base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest())
            assert digest == "sha256=" + actual.rstrip(b"=").decode(), name
    interpreter = sys.executable.encode()
    for path in tree.rglob("*"):
        if path.is_file():
            assert interpreter not in path.read_bytes(), f"{path} names {sys.executable}"
