"""Reading the glibc versions native code needs, checked against real binaries of this machine.

The expected values come from ``objdump -T``, not from the scanner: this machine's pyenv
CPython 3.10.13 was built against glibc 2.36, and its libpython binds ``hypot`` to GLIBC_2.35
(the only need above 2.34); the wasmer 1.1.0 wheel is manylinux2014 and needs at most 2.18.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from asml.errors import AsmlError
from asml.package.glibc import (
    GlibcNeed,
    GlibcScanError,
    cached_zip_needs,
    elf_needs,
    too_new,
    tree_needs,
    worst,
    zip_needs,
)

LIBPYTHON = Path(sys.base_prefix, "lib", "libpython3.10.so.1.0")
needs_libpython = pytest.mark.skipif(
    sys.version_info[:2] != (3, 10) or not LIBPYTHON.is_file(),
    reason="needs the shared libpython of the pyenv CPython 3.10 these tests run on",
)
LIB_NAME = "asml/python3.10/lib/libpython3.10.so.1.0"
HYPOT = GlibcNeed(LIB_NAME, "hypot", (2, 35))
OBJDUMP = shutil.which("objdump")
CC = shutil.which("cc")


def _objdump_glibc(path: Path) -> set[tuple[str, tuple[int, int]]]:
    """``{(symbol, (major, minor))}`` for every GLIBC_x.y dynamic symbol objdump lists."""
    assert OBJDUMP is not None
    listing = subprocess.run(
        [OBJDUMP, "-T", str(path)], capture_output=True, text=True, check=True
    ).stdout
    found = set()
    for line in listing.splitlines():
        match = re.search(r"\s\(?GLIBC_(\d+)\.(\d+)[\d.]*\)?\s+(\S+)$", line)
        if match:
            found.add((match[3], (int(match[1]), int(match[2]))))
    return found


def _this_interpreter() -> Path:
    """An ELF file linked against glibc that exists wherever the suite runs."""
    binary = Path(os.path.realpath(sys.executable))
    if binary.read_bytes()[:4] != b"\x7fELF":
        pytest.skip(f"{binary} is not an ELF file")
    return binary


@needs_libpython
def test_libpython_needs_glibc_2_35_for_hypot() -> None:
    needs = elf_needs(LIBPYTHON.read_bytes(), LIB_NAME)
    assert too_new(needs, 34) == [HYPOT]
    assert worst(needs) == HYPOT
    assert HYPOT.label == "GLIBC_2.35"
    assert too_new(needs, 35) == []
    assert GlibcNeed(LIB_NAME, "dlopen", (2, 34)) in needs, "2.34 is needed but not too new"
    assert GlibcNeed(LIB_NAME, "dlopen", (2, 34)) not in too_new(needs, 34)


@pytest.mark.skipif(OBJDUMP is None, reason="needs objdump (binutils) as the reference")
@pytest.mark.parametrize(
    "which",
    [pytest.param("libpython", marks=needs_libpython), "interpreter"],
)
def test_every_need_matches_objdump(which: str) -> None:
    path = LIBPYTHON if which == "libpython" else _this_interpreter()
    expected = _objdump_glibc(path)
    with path.open("rb") as handle:  # as a stream, the way tree_needs reads files
        needs = elf_needs(handle, "f")
    assert {(n.symbol, n.version) for n in needs} == expected
    assert {n.file for n in needs} <= {"f"}


@pytest.mark.wasmer
def test_the_wasmer_extension_fits_amazon_linux_2023() -> None:
    import wasmer

    (extension,) = Path(wasmer.__file__).parent.glob("wasmer.cpython-310-*.so")
    needs = elf_needs(extension.read_bytes(), "python/wasmer/" + extension.name)
    assert len(needs) > 50, "objdump -T lists 119 GLIBC symbols"
    assert too_new(needs, 34) == []
    newest = worst(needs)
    assert newest is not None
    assert newest.version >= (2, 2)
    assert newest == GlibcNeed(
        "python/wasmer/" + extension.name, "__cxa_thread_atexit_impl", (2, 18)
    )
    assert GlibcNeed("python/wasmer/" + extension.name, "memcpy", (2, 14)) in needs


@pytest.mark.parametrize(
    "data",
    [b"", b"\x7fEL", b"PK\x03\x04" + bytes(200), b"#!/bin/sh\necho \x7fELF\n", b"ELF\x7f" * 64],
)
def test_what_is_not_elf_needs_nothing(data: bytes) -> None:
    assert elf_needs(data, "x") == []


def test_a_text_file_needs_nothing(tmp_path: Path) -> None:
    text = tmp_path / "module.py"
    text.write_text("print('hello')\n" * 100, encoding="utf-8")
    with text.open("rb") as handle:
        assert elf_needs(handle, "module.py") == []


@needs_libpython
@pytest.mark.parametrize("size", [4, 16, 63, 200, 5_000_000, -1])
def test_a_truncated_elf_is_a_scan_error_naming_the_file(size: int) -> None:
    data = LIBPYTHON.read_bytes()[:size]
    with pytest.raises(GlibcScanError, match=re.escape("lib/libpython-cut.so")) as caught:
        elf_needs(data, "lib/libpython-cut.so")
    assert isinstance(caught.value, AsmlError)


def test_a_corrupt_version_table_is_a_scan_error() -> None:
    from elftools.elf.elffile import ELFFile

    binary = _this_interpreter()
    data = bytearray(binary.read_bytes())
    with binary.open("rb") as handle:
        elf = ELFFile(handle)
        offsets = [s["sh_offset"] for s in elf.iter_sections() if s["sh_type"] == "SHT_GNU_verneed"]
        if not offsets:
            pytest.skip(f"{binary} needs no versions")
        little = elf.little_endian
    # vn_cnt, the first field of the first Elf_Verneed: no auxiliary entries is invalid.
    data[offsets[0] + 2 : offsets[0] + 4] = (0).to_bytes(2, "little" if little else "big")
    with pytest.raises(GlibcScanError, match=re.escape("broken/python")):
        elf_needs(bytes(data), "broken/python")


@pytest.mark.skipif(CC is None, reason="needs a C compiler")
def test_a_version_without_symbols_still_counts(tmp_path: Path) -> None:
    """``-z pack-relative-relocs`` makes the linker require GLIBC_ABI_DT_RELR (glibc 2.36)."""
    assert CC is not None
    source = tmp_path / "relr.c"
    source.write_text(
        "#include <stdio.h>\nstatic int x = 1;\nint *p[4] = {&x, &x, &x, &x};\n"
        'int main(void) { printf("%d\\n", *p[2]); return 0; }\n',
        encoding="utf-8",
    )
    binary = tmp_path / "relr"
    built = subprocess.run(
        [CC, "-fPIE", "-pie", "-Wl,-z,pack-relative-relocs", "-o", str(binary), str(source)],
        capture_output=True,
        check=False,
    )
    if built.returncode != 0 or b"GLIBC_ABI_DT_RELR" not in binary.read_bytes():
        pytest.skip("this toolchain or glibc has no DT_RELR")
    needs = elf_needs(binary.read_bytes(), "bin/relr")
    assert GlibcNeed("bin/relr", "", (2, 36)) in needs
    assert GlibcNeed("bin/relr", "printf", (2, 2)) in needs
    assert too_new(needs, 34)[0] == GlibcNeed("bin/relr", "", (2, 36))


def _symlink_entry(name: str, payload: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, payload


@needs_libpython
def test_zip_needs_reads_elf_members_only(tmp_path: Path) -> None:
    library = LIBPYTHON.read_bytes()
    archive = tmp_path / "layer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.writestr("asml/python3.10/lib/", b"")
        out.writestr(LIB_NAME, library)
        out.writestr("asml/python3.10/lib/python3.10/os.py", "import abc\n")
        # A real symlink entry holds its target; one holding ELF bytes shows the mode is read.
        out.writestr(
            *_symlink_entry("asml/python3.10/lib/libpython3.10.so", b"libpython3.10.so.1.0")
        )
        out.writestr(*_symlink_entry("asml/lib/libpython-link.so", library[:200]))
    needs = zip_needs(archive)
    assert too_new(needs, 34) == [HYPOT]
    assert {n.file for n in needs} == {LIB_NAME}
    assert len(needs) > 300, "objdump -T lists 358 GLIBC symbols"
    assert needs == sorted(needs, key=lambda n: (n.file, n.symbol, n.version))


def test_zip_needs_on_a_broken_zip_is_a_scan_error(tmp_path: Path) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(GlibcScanError, match=re.escape("broken.zip")):
        zip_needs(archive)


@needs_libpython
def test_tree_needs_names_files_relative_and_skips_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "layer"
    (root / "asml/python3.10/lib").mkdir(parents=True)
    shutil.copyfile(LIBPYTHON, root / LIB_NAME)
    (root / "asml/readme.txt").write_text("hello\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(LIBPYTHON, outside / "libpython3.10.so.1.0")
    (root / "asml/link.so").symlink_to(outside / "libpython3.10.so.1.0")
    (root / "asml/linked-folder").symlink_to(outside, target_is_directory=True)
    needs = tree_needs(root)
    assert too_new(needs, 34) == [HYPOT]
    assert {n.file for n in needs} == {LIB_NAME}


def test_too_new_and_worst_order_newest_first() -> None:
    needs = [
        GlibcNeed("b.so", "old", (2, 17)),
        GlibcNeed("b.so", "fits", (2, 34)),
        GlibcNeed("b.so", "hypot", (2, 35)),
        GlibcNeed("a.so", "z", (2, 35)),
        GlibcNeed("a.so", "a", (2, 35)),
        GlibcNeed("c.so", "", (2, 36)),
        GlibcNeed("a.so", "nine", (2, 9)),  # 2.9 is older than 2.34, whatever the digits
    ]
    assert too_new(needs, 34) == [
        GlibcNeed("c.so", "", (2, 36)),
        GlibcNeed("a.so", "a", (2, 35)),
        GlibcNeed("a.so", "z", (2, 35)),
        GlibcNeed("b.so", "hypot", (2, 35)),
    ]
    assert too_new(needs, 36) == []
    assert too_new(iter(needs), 26) == too_new(needs, 26), "any iterable"
    assert worst(needs) == GlibcNeed("c.so", "", (2, 36))
    assert worst(needs[:5]) == GlibcNeed("a.so", "a", (2, 35))
    assert worst(iter(needs)) == GlibcNeed("c.so", "", (2, 36))
    assert worst([]) is None
    assert GlibcNeed("x", "", (2, 2)).label == "GLIBC_2.2"
    assert too_new([GlibcNeed("x", "y", (3, 0))], 40) == [GlibcNeed("x", "y", (3, 0))]


def _interpreter_zip(tmp_path: Path) -> Path:
    archive = tmp_path / "layer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.writestr("bin/python", _this_interpreter().read_bytes())
    return archive


def test_the_cache_is_read_back_and_keyed_by_hash(tmp_path: Path) -> None:
    archive = _interpreter_zip(tmp_path)
    cache = tmp_path / "cache"
    one, two = "1" * 64, "2" * 64
    scanned = cached_zip_needs(archive, one, cache)
    assert scanned, "the interpreter needs some glibc symbols"
    assert {n.file for n in scanned} == {"bin/python"}
    stored = cache / "glibc" / f"{one}.json"
    document = json.loads(stored.read_text(encoding="utf-8"))
    assert len(document["needs"]) == len(scanned)

    document["needs"] = [{"file": "edited.so", "symbol": "edited", "version": [2, 99]}]
    stored.write_text(json.dumps(document), encoding="utf-8")
    assert cached_zip_needs(archive, one, cache) == [GlibcNeed("edited.so", "edited", (2, 99))]

    assert cached_zip_needs(archive, two, cache) == scanned, "another hash is scanned afresh"
    assert (cache / "glibc" / f"{two}.json").is_file()
    assert sorted(p.name for p in (cache / "glibc").iterdir()) == [f"{one}.json", f"{two}.json"]


def test_an_unreadable_cache_file_is_rescanned(tmp_path: Path) -> None:
    archive = _interpreter_zip(tmp_path)
    cache = tmp_path / "cache"
    digest = "a" * 64
    scanned = cached_zip_needs(archive, digest, cache)
    stored = cache / "glibc" / f"{digest}.json"
    stored.write_text('{"needs": [', encoding="utf-8")
    assert cached_zip_needs(archive, digest, cache) == scanned
    assert json.loads(stored.read_text(encoding="utf-8"))["needs"], "rewritten"


def test_the_cache_key_must_be_a_hex_digest(tmp_path: Path) -> None:
    archive = _interpreter_zip(tmp_path)
    with pytest.raises(ValueError, match="SHA-256"):
        cached_zip_needs(archive, "../../escape", tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
