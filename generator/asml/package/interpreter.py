"""The interpreter layer: a relocatable CPython 3.10 for the custom runtime (provided.al2023).

wasmer's wheels stop at CPython 3.10 and Lambda's managed ``python3.10`` is at its end, so
the wasmer engines bring their own interpreter: a python-build-standalone build, laid out in
the layer as ``asml/python3.10/{bin,lib}`` (``/opt/asml/python3.10`` on Lambda), where the
runtime layer's ``bootstrap`` starts it. Where it comes from, first match wins:

``ASML_PYTHON_PREFIX``
    an installed CPython 3.10 (a directory holding ``bin/python3.10``), for machines without
    internet that have one;
``ASML_PYTHON_ARCHIVE``
    a python-build-standalone archive on disk (``install_only`` or
    ``install_only_stripped``, ``.tar.gz``);
otherwise
    CPython :data:`PYTHON_VERSION` downloaded with ``pbs-installer``, which pins each build's
    SHA-256; ``PBS_INSTALLER_BASE_URL`` points it at a mirror that serves the same files.

What a function never needs is trimmed (tests, idlelib, tkinter, ensurepip, headers, the
static library, ...), the standard library is compiled to bytecode (hash-based, so the files
do not depend on when they were written, and with the paths they have on Lambda), and the
result is zipped deterministically. Downloads and layers are cached content-addressed in
the user's asml cache, shared by every project (:func:`cache_home`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from asml.errors import ToolchainError
from asml.package.glibc import needed_libraries
from asml.package.lambda_pip import last_lines
from asml.package.progress import LayerProgress, packaging
from asml.package.zips import ZipResult, copy_into_place, tree_entries, write_zip
from asml_runtime.artifact import sha256_file

# The newest python-build-standalone CPython 3.10 (release 20261009). Pinned, so that a newer
# pbs-installer does not change the layer's bytes behind the user's back.
PYTHON_VERSION = "3.10.22"
PYTHON_MINOR = "3.10"
PREFIX_ENV = "ASML_PYTHON_PREFIX"
ARCHIVE_ENV = "ASML_PYTHON_ARCHIVE"
MIRROR_ENV = "PBS_INSTALLER_BASE_URL"
CACHE_ENV = "ASML_CACHE_HOME"
LAYER_HOME = f"asml/python{PYTHON_MINOR}"  # inside the layer zip
LAMBDA_HOME = f"/opt/{LAYER_HOME}"  # where Lambda unpacks it
# Bump when what goes into the layer changes in a way the source's digest does not show.
RECIPE = "interpreter-layer-1"
PBS_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}

# What a function never needs, relative to the interpreter's home.
_TRIM_DIRS = frozenset(
    {"include", "share", "lib/pkgconfig", "lib/itcl4.2.2", "lib/thread2.8.7"}
    | {
        f"lib/python{PYTHON_MINOR}/{name}"
        for name in (
            "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data",
            "site-packages", "distutils/tests", "unittest/test", "ctypes/test", "sqlite3/test",
            "tkinter/test", "venv/scripts/nt",
        )
    }
)  # fmt: skip
_TRIM_PATTERNS = (
    re.compile(rf"^lib/python{re.escape(PYTHON_MINOR)}/config-[^/]+(/|$)"),  # static library
    re.compile(r"^lib/(tcl|tk|itcl|thread)[0-9.]+(/|$)"),
    re.compile(r"^lib/lib(tcl|tk)[^/]*$"),
    re.compile(
        r"^lib/python[^/]+/lib-dynload/(_tkinter|_test|_xxtest|xxlimited|_ctypes_test|xxsubtype)"
    ),
    re.compile(r"(^|/)__pycache__(/|$)"),
    re.compile(r"\.(pyc|exe|a)$"),
    re.compile(r"^lib/python[^/]+/turtle\.py$"),
)
_KEEP_BIN = f"bin/python{PYTHON_MINOR}"


def cache_home() -> Path:
    """asml's cache shared by projects: ``ASML_CACHE_HOME``, else ``$XDG_CACHE_HOME/asml``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "asml"


def trimmed(relative: str) -> bool:
    """Whether a path of the interpreter's home stays out of the layer."""
    if relative.startswith("bin/"):
        return relative != _KEEP_BIN
    if any(relative == d or relative.startswith(f"{d}/") for d in _TRIM_DIRS):
        return True
    return any(pattern.search(relative) for pattern in _TRIM_PATTERNS)


@dataclass(frozen=True)
class InterpreterSource:
    """Where the interpreter comes from: ``prefix``, ``archive`` or ``download``."""

    kind: str
    location: str  # a directory, an archive's path, or a URL
    sha256: str | None = None  # download: the SHA-256 pbs-installer pins

    def describe(self) -> str:
        what = {"prefix": "the CPython in", "archive": "the archive", "download": "the build at"}
        return f"{what[self.kind]} {self.location}"


def interpreter_source(
    architecture: str, environ: Mapping[str, str] = os.environ
) -> InterpreterSource:
    """The source the environment chooses (see the module's docstring)."""
    if environ.get(PREFIX_ENV):
        prefix = Path(environ[PREFIX_ENV]).expanduser()
        if not (prefix / "bin").is_dir():
            raise ToolchainError(
                f"{PREFIX_ENV}={prefix}: no bin/ there; point it at an installed CPython"
                f" {PYTHON_MINOR}'s prefix (the folder holding bin/python{PYTHON_MINOR})"
            )
        return InterpreterSource("prefix", str(prefix))
    if environ.get(ARCHIVE_ENV):
        archive = Path(environ[ARCHIVE_ENV]).expanduser()
        if not archive.is_file():
            raise ToolchainError(
                f"{ARCHIVE_ENV}={archive}: no such file; point it at a python-build-standalone"
                f" archive, e.g. cpython-{PYTHON_VERSION}+20261009-x86_64-unknown-linux-gnu-"
                "install_only_stripped.tar.gz"
            )
        return InterpreterSource("archive", str(archive))
    from pbs_installer import get_download_link

    mirror = environ.get(MIRROR_ENV) or None
    try:
        _, (url, sha256) = get_download_link(
            PYTHON_VERSION, arch=PBS_ARCH[architecture], platform="linux", base_url=mirror
        )
    except ValueError:
        raise ToolchainError(
            f"pbs-installer knows no CPython {PYTHON_VERSION} build for Linux {architecture};"
            f" set {ARCHIVE_ENV} to a python-build-standalone archive"
        ) from None
    return InterpreterSource("download", url, sha256)


def interpreter_title(architecture: str) -> str:
    """For progress: ``interpreter layer CPython 3.10.22 (x86_64)``."""
    return f"interpreter layer CPython {PYTHON_VERSION} ({architecture})"


def build_interpreter_layer(
    architecture: str,
    destination: Path,
    cache: Path,
    environ: Mapping[str, str] = os.environ,
    progress: LayerProgress | None = None,
) -> ZipResult:
    """Write the interpreter layer to ``destination``, from ``cache`` when it holds it."""
    source = interpreter_source(architecture, environ)
    if source.kind == "prefix":
        digest = _prefix_digest(Path(source.location))
    elif source.kind == "archive":
        digest = sha256_file(Path(source.location))
    else:
        assert source.sha256 is not None
        digest = source.sha256  # pinned: the download, when there is one, is checked against it
    key = hashlib.sha256(f"{RECIPE}\n{architecture}\n{digest}".encode()).hexdigest()
    cached = cache / "layers" / f"python{PYTHON_MINOR}-{key}.zip"
    if not cached.is_file():
        with (
            packaging(progress, interpreter_title(architecture)),
            tempfile.TemporaryDirectory(prefix="asml-python-") as scratch,
        ):
            home = Path(scratch) / "home"
            if source.kind != "prefix":
                _unpack(_archive(source, cache)[0], home)
            else:
                _copy_prefix(Path(source.location), home)
            _lay_out(home, source)
            _compile(home, source)
            write_zip(cached, tree_entries_with_bytecode(home, prefix=f"{LAYER_HOME}/"))
    return copy_into_place(cached, destination)


def tree_entries_with_bytecode(root: Path, *, prefix: str) -> dict[str, Path]:
    """Every file below ``root``, the ``__pycache__`` bytecode included."""
    entries = tree_entries(root, prefix=prefix)
    for path in root.rglob("*.pyc"):
        if path.is_file() and not path.is_symlink():
            entries[prefix + path.relative_to(root).as_posix()] = path
    return entries


# --- getting the archive -------------------------------------------------------------------


def _archive(source: InterpreterSource, cache: Path) -> tuple[Path, str]:
    """The archive on disk, downloaded if need be, and its SHA-256."""
    if source.kind == "archive":
        return Path(source.location), sha256_file(Path(source.location))
    assert source.sha256 is not None
    cached = cache / "python" / f"{source.sha256}.tar.gz"
    if cached.is_file():
        if sha256_file(cached) == source.sha256:
            return cached, source.sha256
        cached.unlink()  # damaged since it was verified: fetch it again
    cached.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=".download.", dir=cached.parent)
    os.close(descriptor)
    partial = Path(name)
    try:
        _download(source, partial)
        partial.replace(cached)
    finally:
        partial.unlink(missing_ok=True)
    return cached, source.sha256


def _download(source: InterpreterSource, into: Path) -> None:
    import httpx2  # pbs-installer[download]'s client
    from pbs_installer import download

    way_out = (
        f"set {MIRROR_ENV} to a mirror of python-build-standalone, {ARCHIVE_ENV} to an"
        f" archive on disk, or {PREFIX_ENV} to an installed CPython {PYTHON_MINOR} (see"
        ' docs/runtime.md, "Where the interpreter comes from")'
    )
    try:
        download((source.location, source.sha256), into)
    except httpx2.HTTPStatusError as error:
        raise ToolchainError(
            f"cannot download CPython {PYTHON_VERSION} from {source.location}: the server"
            f" answered {error.response.status_code}; {way_out}"
        ) from None
    except httpx2.HTTPError as error:
        raise ToolchainError(
            f"cannot download CPython {PYTHON_VERSION} from {source.location}"
            f" ({type(error).__name__}: {error or 'no answer'}); {way_out}"
        ) from None
    except RuntimeError as error:  # pbs-installer's checksum check
        if "Checksum mismatch" not in str(error):
            raise
        raise ToolchainError(
            f"{source.location} is not the CPython {PYTHON_VERSION} build asml expects: its"
            f" SHA-256 differs from the one pbs-installer pins ({source.sha256}); nothing was"
            f" kept. Check the mirror in {MIRROR_ENV}"
        ) from None


# --- laying the interpreter out ------------------------------------------------------------


def _unpack(archive: Path, home: Path) -> None:
    """Unpack a python-build-standalone archive (its files below ``python/``) into ``home``,
    refusing anything that would land outside it."""
    try:
        with tarfile.open(archive) as tar:
            members = []
            for member in tar.getmembers():
                parts = PurePosixPath(member.name).parts
                if not parts or parts[0] != "python":
                    raise ToolchainError(
                        f"{archive} is not a python-build-standalone archive: {member.name!r}"
                        ' lies outside its "python/" folder'
                    )
                relative = PurePosixPath(*parts[1:]) if len(parts) > 1 else None
                if relative is None:
                    continue
                if member.name.startswith("/") or ".." in relative.parts:
                    raise ToolchainError(f"{archive}: refusing the entry {member.name!r}")
                relative = _inside_install(relative)
                kind_ok = member.isfile() or member.isdir() or member.issym() or member.islnk()
                if trimmed(relative.as_posix()) or not kind_ok:
                    continue
                member.name = relative.as_posix()
                _check_link(archive, member, relative)
                members.append(member)
            home.mkdir(parents=True)
            # The "data" filter (CPython 3.10.12+) also refuses links that point outside.
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(home, members=members, **safe)  # type: ignore[arg-type]
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError) as error:
        raise ToolchainError(
            f"cannot read {archive} as a python-build-standalone archive ({error}); asml reads"
            f" the .tar.gz install_only and install_only_stripped builds of CPython"
            f" {PYTHON_MINOR}"
        ) from None


def _inside_install(relative: PurePosixPath) -> PurePosixPath:
    """A full build keeps the interpreter in ``python/install/``: take that."""
    if relative.parts[:1] == ("install",):
        return PurePosixPath(*relative.parts[1:])
    return relative


def _check_link(archive: Path, member: tarfile.TarInfo, relative: PurePosixPath) -> None:
    """Links must stay inside the interpreter's folder (older CPythons have no tar filter)."""
    if member.islnk():  # a hard link names another member: rename it as its target was
        target = PurePosixPath(member.linkname)
        if target.parts[:1] != ("python",) or ".." in target.parts:
            raise ToolchainError(f"{archive}: refusing the hard link {member.name!r}")
        member.linkname = _inside_install(PurePosixPath(*target.parts[1:])).as_posix()
    elif member.issym():
        target = PurePosixPath(member.linkname)
        resolved = os.path.normpath((relative.parent / target).as_posix())
        if target.is_absolute() or resolved == ".." or resolved.startswith("../"):
            raise ToolchainError(
                f"{archive}: refusing the link {member.name!r} -> {member.linkname!r},"
                " which points outside the interpreter"
            )


def _from_prefix(relative: str) -> bool:
    """What the layer takes from an installed prefix: the interpreter, its standard library
    and libpython, nothing else that may live there (a prefix may be /usr)."""
    wanted = (
        relative == _KEEP_BIN
        or relative.startswith(f"lib/python{PYTHON_MINOR}/")
        or re.fullmatch(rf"lib/libpython3(\.{PYTHON_MINOR[2:]})?\.so[0-9.]*", relative) is not None
    )
    return wanted and not trimmed(relative)


def _prefix_files(prefix: Path) -> list[Path]:
    config = prefix / "pyvenv.cfg"
    if config.is_file():
        lines = config.read_text(encoding="utf-8").splitlines()
        pairs = (line.partition("=") for line in lines)
        settings = {key.strip(): value.strip() for key, _, value in pairs}
        home = settings.get("home", "its bin/ folder")
        raise ToolchainError(
            f"{PREFIX_ENV}={prefix} is a virtualenv, not an installed CPython; point it at the"
            f" installation the virtualenv was made from (the folder above {home})"
        )
    return sorted(
        path
        for folder in (prefix / "bin", prefix / "lib")
        if folder.is_dir()
        for path in folder.rglob("*")
        if (path.is_file() or path.is_symlink())
        and _from_prefix(path.relative_to(prefix).as_posix())
    )


def _copy_prefix(prefix: Path, home: Path) -> None:
    for path in _prefix_files(prefix):
        target = home / path.relative_to(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target, follow_symlinks=False)


def _prefix_digest(prefix: Path) -> str:
    """The content of what the layer would take from an installed prefix."""
    digest = hashlib.sha256()
    for path in _prefix_files(prefix):
        if path.is_file():
            relative = path.relative_to(prefix).as_posix()
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _lay_out(home: Path, source: InterpreterSource) -> None:
    """Check it is CPython 3.10 and leave one real file per name (no symlinks)."""
    python = home / _KEEP_BIN
    if not python.exists():
        found = sorted(p.name for p in (home / "lib").glob("python3.*") if p.is_dir())
        what = f"CPython {found[0].removeprefix('python')}" if found else "no CPython"
        raise ToolchainError(
            f"{source.describe()} holds {what}, not CPython {PYTHON_MINOR} (no {_KEEP_BIN});"
            f" the wasmer engines need CPython {PYTHON_MINOR}"
        )
    for link in [p for p in home.rglob("*") if p.is_symlink()]:
        target = link.resolve()
        keep = link.relative_to(home).as_posix() == _KEEP_BIN or re.fullmatch(
            r"lib/libpython[0-9.]+\.so\.1\.0", link.relative_to(home).as_posix()
        )
        link.unlink()
        if keep and target.is_relative_to(home.resolve()) and target.is_file():
            shutil.copy2(target, link)
    for leftover in [
        p for p in home.rglob("*") if p.is_file() and trimmed(p.relative_to(home).as_posix())
    ]:
        leftover.unlink()
    # python-build-standalone links bin/python3.10 statically and still ships libpython (for
    # embedding): a function never embeds, so it would be 5 MB twice.
    if not any(name.startswith("libpython") for name in needed_libraries(python)):
        for library in (home / "lib").glob("libpython*.so*"):
            library.unlink()
    version = _run(home, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], source)
    if not version.startswith(f"{PYTHON_MINOR}."):
        raise ToolchainError(
            f"{source.describe()} is CPython {version}, not {PYTHON_MINOR}; the wasmer engines"
            f" need CPython {PYTHON_MINOR}"
        )


# CPython 3.10's marshal marks an object for back-references when its reference count is
# above one, which varies from process to process (the same source gave different bytes under
# load). Marshal format 2 has no back-references: rewriting every code object in it gives
# the same bytes every time, and 3.10 loads it as it loads its own.
_NORMALISE = """
import marshal, os, sys
for folder, _, names in sorted(os.walk(sys.argv[1])):
    for name in sorted(n for n in names if n.endswith(".pyc")):
        path = os.path.join(folder, name)
        with open(path, "rb") as handle:
            data = handle.read()
        with open(path, "wb") as handle:
            handle.write(data[:16] + marshal.dumps(marshal.loads(data[16:]), 2))
"""


def _compile(home: Path, source: InterpreterSource) -> None:
    """Bytecode for the standard library, so cold starts do not compile it (``/opt`` is
    read-only). Hash-based and compiled in one process in a fixed order: the same sources
    give the same bytes, with the paths the files have on Lambda."""
    library = home / "lib" / f"python{PYTHON_MINOR}"
    # -B: the modules compileall itself imports must not get bytecode of their own first.
    arguments = ["-B", "-m", "compileall", "-q", "-f", "-j", "1",
                 "--invalidation-mode", "unchecked-hash",
                 "-d", f"{LAMBDA_HOME}/lib/python{PYTHON_MINOR}", str(library)]  # fmt: skip
    _run(home, arguments, source)
    _run(home, ["-B", "-c", _NORMALISE, str(library)], source)


def _run(home: Path, arguments: list[str], source: InterpreterSource) -> str:
    # A clean environment, but a fixed hash seed: frozenset constants in bytecode are
    # written in hash order (and -I would ignore PYTHONHASHSEED).
    environment = {
        "LD_LIBRARY_PATH": str(home / "lib"),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONHASHSEED": "0",
    }
    try:
        result = subprocess.run(
            [str(home / _KEEP_BIN), "-s", *arguments],
            capture_output=True, text=True, env=environment, check=False, timeout=600,
        )  # fmt: skip
    except OSError as error:
        raise ToolchainError(
            f"cannot run the interpreter from {source.describe()}: {error} (the layer is built"
            " by running its CPython, so build on x86_64 Linux)"
        ) from None
    if result.returncode != 0:
        raise ToolchainError(
            f"the interpreter from {source.describe()} failed"
            f" ({last_lines(result.stderr or result.stdout)})"
        )
    return result.stdout.strip()
