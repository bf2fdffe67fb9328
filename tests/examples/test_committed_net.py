"""Each example commits its net/, as a project should: the Terraform reviewed in pull requests.
It must be exactly what `asml cast` writes from the example today, so that a change to an
example's code, its manifests or asml's templates shows up in the diff that is reviewed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import RunAsml
from tests.serving import EXAMPLES, copy_example

# The interpreter layer is this machine's CPython 3.10 (the demo's, or the tests' relocated
# copy of it), so its hash is the one line that depends on where the interpreter came from.
_INTERPRETER_HASH = re.compile(
    r'(module "python310_[a-z0-9_]+" \{.*?source_code_hash\s+= )"[^"]+"', re.DOTALL
)


def _texts(net: Path) -> dict[str, str]:
    found = {}
    for path in sorted(net.rglob("*")):
        relative = path.relative_to(net)
        if path.is_file() and relative.parts[0] not in ("dist", ".terraform"):
            found[relative.as_posix()] = _INTERPRETER_HASH.sub(r'\1"…"', path.read_text())
    return found


@pytest.mark.wasmer
@pytest.mark.parametrize("name", ["hello", "fetch", "todo", "jobs"])
def test_the_committed_net_is_what_cast_writes(
    name: str, tmp_path: Path, run_asml: RunAsml
) -> None:
    committed = EXAMPLES / name / "net"
    assert (committed / "main.tf").is_file(), f"examples/{name}/net/ is not committed"
    root = copy_example(name, tmp_path)
    cast = run_asml("cast", cwd=root)
    assert cast.exit_code == 0, cast.output
    written, kept = _texts(root / "net"), _texts(committed)
    assert sorted(written) == sorted(kept)
    for relative, text in written.items():
        assert text == kept[relative], (
            f"examples/{name}/net/{relative} is not what `asml cast` writes: run `asml cast` in"
            f" examples/{name} and commit net/"
        )
