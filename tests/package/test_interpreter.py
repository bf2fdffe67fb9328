"""The interpreter layer of the custom runtime: where CPython 3.10 comes from (a mirror through
pbs-installer, a local python-build-standalone archive, an installed prefix), what is trimmed,
and that every failure is clear and leaves no half-written cache entry.

There is no internet here. The tests' interpreter is this machine's CPython 3.10, packed as a
python-build-standalone archive (tests/conftest.py); downloads go to a mirror on 127.0.0.1.
The download of the real build runs only with ASML_TEST_PBS_DOWNLOAD=1 and internet.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from asml.errors import ToolchainError
from asml.package.interpreter import (
    ARCHIVE_ENV,
    MIRROR_ENV,
    PREFIX_ENV,
    PYTHON_VERSION,
    build_interpreter_layer,
    cache_home,
    interpreter_source,
)
from asml.package.zips import extract
from tests.conftest import pack_as_python_build_standalone, relocatable_copy

needs_310 = pytest.mark.skipif(
    sys.version_info[:2] != (3, 10), reason="packs this machine's CPython 3.10 (the 3.10 suite)"
)
# The python-build-standalone file pbs-installer names for CPython 3.10.22 on x86_64 Linux.
PBS_FILE = (
    f"cpython-{PYTHON_VERSION}+20261009-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
)


def _only(environ: dict[str, str]) -> dict[str, str]:
    """The environment with no interpreter option but those given."""
    keep = {k: v for k, v in os.environ.items() if k not in (ARCHIVE_ENV, PREFIX_ENV, MIRROR_ENV)}
    return {**keep, **environ}


def _leftovers(cache: Path) -> list[str]:
    return sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())


def _tar(archive: Path, names: list[str]) -> Path:
    """A .tar.gz of one-byte files under ``names``, written as given (``..`` included)."""
    with tarfile.open(archive, "w:gz") as tar:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return archive


@contextlib.contextmanager
def mirror(directory: Path) -> Iterator[str]:
    """A python-build-standalone mirror on 127.0.0.1 serving ``directory``; its base URL."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_default_is_the_pinned_build_through_pbs_installer() -> None:
    source = interpreter_source("x86_64", _only({}))
    assert source.kind == "download"
    assert source.location.endswith("/" + PBS_FILE.replace("+", "%2B"))
    # pbs-installer's own pin for this build (python-build-standalone's published SHA-256)
    assert source.sha256 == "caa66b308e10f35b8114054df7d927903f971f631cfa3237b84c40d5d5f35549"
    mirrored = interpreter_source("x86_64", _only({MIRROR_ENV: "http://127.0.0.1:9/pbs/"}))
    assert mirrored.location == f"http://127.0.0.1:9/pbs/{PBS_FILE}"
    assert mirrored.sha256 == source.sha256


def test_a_mirror_serving_another_file_is_refused_and_nothing_is_cached(tmp_path: Path) -> None:
    served = tmp_path / "mirror"
    served.mkdir()
    (served / PBS_FILE).write_bytes(b"not the build pbs-installer pins" * 1000)
    cache = tmp_path / "cache"
    with mirror(served) as url, pytest.raises(ToolchainError) as caught:
        build_interpreter_layer("x86_64", tmp_path / "out.zip", cache, _only({MIRROR_ENV: url}))
    message = str(caught.value)
    assert f"{url}/{PBS_FILE} is not the CPython {PYTHON_VERSION} build asml expects" in message
    assert "its SHA-256 differs from the one pbs-installer pins" in message
    assert "Check the mirror in PBS_INSTALLER_BASE_URL" in message
    assert _leftovers(cache) == []
    assert not (tmp_path / "out.zip").exists()


def test_a_mirror_without_the_file_names_the_status(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with mirror(tmp_path / "empty") as url, pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({MIRROR_ENV: url})
        )
    assert (
        f"cannot download CPython {PYTHON_VERSION} from {url}/{PBS_FILE}: the server answered 404"
        in (str(caught.value))
    )
    assert _leftovers(tmp_path / "c") == []


def test_an_unreachable_mirror_with_nothing_cached_is_a_clear_error(tmp_path: Path) -> None:
    with contextlib.closing(__import__("socket").socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    cache = tmp_path / "cache"
    environ = _only({MIRROR_ENV: f"http://127.0.0.1:{port}"})
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer("x86_64", tmp_path / "out.zip", cache, environ)
    message = str(caught.value)
    assert message.startswith(f"cannot download CPython {PYTHON_VERSION} from http://127.0.0.1:")
    assert "(ConnectError" in message
    assert "set PBS_INSTALLER_BASE_URL to a mirror" in message
    assert "ASML_PYTHON_ARCHIVE to an archive on disk" in message
    assert _leftovers(cache) == []


def test_a_corrupt_archive_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "cpython.tar.gz"
    archive.write_bytes(b"\x1f\x8b" + os.urandom(4000))
    cache = tmp_path / "cache"
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", cache, _only({ARCHIVE_ENV: str(archive)})
        )
    assert f"cannot read {archive} as a python-build-standalone archive" in str(caught.value)
    assert _leftovers(cache) == []


def test_an_archive_entry_outside_the_folder_is_refused(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "evil.tar.gz", ["python/bin/python3.10", "python/../../escaped"])
    with pytest.raises(ToolchainError, match=r"refusing the entry 'python/\.\./\.\./escaped'"):
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({ARCHIVE_ENV: str(archive)})
        )
    assert not (tmp_path.parent / "escaped").exists()
    assert _leftovers(tmp_path / "c") == []


def test_a_link_pointing_out_of_the_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "links.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        link = tarfile.TarInfo("python/lib/escape")
        link.type, link.linkname = tarfile.SYMTYPE, str(tmp_path / "outside")
        tar.addfile(link)
        inner = tarfile.TarInfo("python/lib/escape/pwned")
        inner.size = 1
        tar.addfile(inner, io.BytesIO(b"x"))
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({ARCHIVE_ENV: str(archive)})
        )
    assert f"refusing the link 'lib/escape' -> '{tmp_path / 'outside'}'" in str(caught.value)
    assert not (tmp_path / "outside").exists()
    assert _leftovers(tmp_path / "c") == []


def test_a_virtualenv_is_not_taken_for_an_installation(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /opt/cpython/bin\nversion = 3.10.13\n")
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({PREFIX_ENV: str(venv)})
        )
    assert str(caught.value) == (
        f"ASML_PYTHON_PREFIX={venv} is a virtualenv, not an installed CPython; point it at the"
        " installation the virtualenv was made from (the folder above /opt/cpython/bin)"
    )


def test_an_interpreter_that_is_not_310_is_refused(tmp_path: Path) -> None:
    archive = _tar(
        tmp_path / "cpython-3.12.tar.gz", ["python/bin/python3.12", "python/lib/python3.12/os.py"]
    )
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({ARCHIVE_ENV: str(archive)})
        )
    assert str(caught.value) == (
        f"the archive {archive} holds CPython 3.12, not CPython 3.10 (no bin/python3.10); the"
        " wasmer engines need CPython 3.10"
    )
    assert _leftovers(tmp_path / "c") == []


def test_a_prefix_that_runs_another_version_is_refused(tmp_path: Path) -> None:
    # bin/python3.10 is there, but it is this machine's newer CPython under that name.
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib" / "python3.10").mkdir(parents=True)
    other = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if sys.version_info[:2] == (3, 10):
        pytest.skip("needs an interpreter other than 3.10: runs in the compat suite")
    (prefix / "bin" / "python3.10").write_bytes(other.read_bytes())
    (prefix / "bin" / "python3.10").chmod(0o755)
    with pytest.raises(ToolchainError) as caught:
        build_interpreter_layer(
            "x86_64", tmp_path / "o.zip", tmp_path / "c", _only({PREFIX_ENV: str(prefix)})
        )
    version = ".".join(str(part) for part in sys.version_info[:3])
    assert str(caught.value) == (
        f"the CPython in {prefix} is CPython {version}, not 3.10; the wasmer engines need"
        " CPython 3.10"
    )
    assert _leftovers(tmp_path / "c") == []


@needs_310
def test_the_layer_is_trimmed_compiled_and_deterministic(tmp_path: Path) -> None:
    archive = Path(os.environ[ARCHIVE_ENV])  # this machine's CPython, packed by conftest
    one = build_interpreter_layer("x86_64", tmp_path / "one.zip", tmp_path / "cache-one")
    # From the same CPython installed in a prefix, with an empty cache of its own: same bytes.
    prefix = relocatable_copy(Path(sys.base_prefix), tmp_path / "prefix")
    two = build_interpreter_layer(
        "x86_64", tmp_path / "two.zip", tmp_path / "cache-two", _only({PREFIX_ENV: str(prefix)})
    )
    assert one.path.read_bytes() == two.path.read_bytes()
    assert archive.is_file()
    with zipfile.ZipFile(one.path) as layer:
        infos = {info.filename: info for info in layer.infolist()}
    home = "asml/python3.10/"
    assert all(name.startswith(home) for name in infos)
    assert (infos[f"{home}bin/python3.10"].external_attr >> 16) & 0o777 == 0o755
    assert [n for n in infos if n.startswith(f"{home}bin/")] == [f"{home}bin/python3.10"]
    library = f"{home}lib/python3.10/"
    assert f"{library}json/__init__.py" in infos
    assert f"{library}json/__pycache__/__init__.cpython-310.pyc" in infos, (
        "bytecode for cold starts"
    )
    assert f"{library}lib-dynload/_json.cpython-310-x86_64-linux-gnu.so" in infos
    for trimmed in ("test/", "idlelib/", "tkinter/", "ensurepip/", "lib2to3/", "site-packages/",
                    "config-3.10-x86_64-linux-gnu/", "turtledemo/", "lib-dynload/_tkinter",
                    "lib-dynload/_testcapi"):  # fmt: skip
        assert not any(n.startswith(library + trimmed) for n in infos), trimmed
    assert not any(n.startswith((f"{home}include/", f"{home}share/")) for n in infos)
    assert not any(n.endswith(".a") for n in infos), "no static library"
    # Bytecode checks no source timestamps (hash-based) and names the path on Lambda.
    with zipfile.ZipFile(one.path) as layer:
        pyc = layer.read(f"{library}json/__pycache__/__init__.cpython-310.pyc")
    assert int.from_bytes(pyc[4:8], "little") == 0b01, "unchecked-hash bytecode"
    assert b"/opt/asml/python3.10/lib/python3.10/json/__init__.py" in pyc
    assert str(tmp_path).encode() not in pyc


@needs_310
def test_the_unpacked_layer_runs_on_its_own_files(tmp_path: Path) -> None:
    # Nothing from this machine's installation: the interpreter, libpython and the standard
    # library all come from where the layer was unpacked, with an empty environment.
    layer = build_interpreter_layer("x86_64", tmp_path / "layer.zip", cache_home())
    extract(layer.path, tmp_path / "opt")
    home = tmp_path / "opt" / "asml" / "python3.10"
    probe = (
        "import json, os, sys\n"
        "maps = open('/proc/self/maps').read().split()\n"
        "print(json.dumps([sys.prefix, os.__file__, json.__file__,"
        " sorted({p for p in maps if 'libpython' in p})]))"
    )
    result = subprocess.run(
        [str(home / "bin" / "python3.10"), "-c", probe], env={}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    prefix, os_file, json_file, libpython = json.loads(result.stdout)
    assert prefix == str(home)
    assert os_file == str(home / "lib/python3.10/os.py")
    assert json_file == str(home / "lib/python3.10/json/__init__.py")
    assert libpython == [str(home / "lib/libpython3.10.so.1.0")]


@pytest.mark.skipif(
    os.environ.get("ASML_TEST_PBS_DOWNLOAD") != "1",
    reason="downloads python-build-standalone: set ASML_TEST_PBS_DOWNLOAD=1 where the internet is"
    " reachable",
)
def test_the_real_build_downloads_and_passes_the_glibc_check(tmp_path: Path) -> None:
    from asml.package.glibc import too_new, zip_needs

    environ = _only({})
    layer = build_interpreter_layer("x86_64", tmp_path / "layer.zip", tmp_path / "cache", environ)
    assert too_new(zip_needs(layer.path), 34) == []
    assert layer.size <= 20 * 1024 * 1024
    # Downloaded and built again from nothing: the same bytes.
    again = build_interpreter_layer("x86_64", tmp_path / "again.zip", tmp_path / "cache-2", environ)
    assert again.sha256 == layer.sha256


def test_pack_helper_lays_the_archive_out_as_pbs_does(tmp_path: Path) -> None:
    prefix = tmp_path / "3.10.99"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python3.10").write_text("#!/bin/sh\n")
    archive = pack_as_python_build_standalone(prefix, tmp_path / "a.tar.gz")
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["python", "python/bin", "python/bin/python3.10"]


class _Heard:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def started(self, layer: str) -> None:
        self.lines.append(f"started {layer}")

    def finished(self, layer: str, seconds: float) -> None:
        assert seconds > 0
        self.lines.append(f"finished {layer}")


@needs_310
def test_packaging_the_layer_is_reported_unless_it_is_cached(tmp_path: Path) -> None:
    heard = _Heard()
    for name in ("one", "two"):
        build_interpreter_layer(
            "x86_64", tmp_path / f"{name}.zip", tmp_path / "cache", progress=heard
        )
    layer = f"interpreter layer CPython {PYTHON_VERSION} (x86_64)"
    assert heard.lines == [f"started {layer}", f"finished {layer}"]
