"""The glibc symbol versions that native code in a layer needs, read from its ELF files.

A shared library built on a newer Linux than Lambda's Amazon Linux loads fine here and fails
only on Lambda, at import time, with ``version `GLIBC_2.35' not found``. The dynamic linker
decides that from two ELF sections, so asml reads the same two before a layer is deployed:
``.gnu.version_r`` lists every version the file needs from each library, and ``.gnu.version``
gives each ``.dynsym`` symbol the index of the version it is bound to. Only the section
headers, those two sections and the names of the matching symbols are read, so a 16 MB
libpython scans in a few tens of milliseconds.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import struct
import sys
import zipfile
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from elftools.common.exceptions import ELFError
from elftools.common.utils import struct_parse
from elftools.construct.core import ConstructError
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
from elftools.elf.sections import Section, SymbolTableSection

from asml.errors import AsmlError
from asml.fsutil import write_text_atomic

ELF_MAGIC = b"\x7fELF"

# ``GLIBC_2.2.5`` counts as 2.2: only major.minor decide whether a runtime's glibc is new enough.
_VERSION = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)*")

# Markers that glibc defines without a number, each needing the release that introduced it.
# A library linked with ``-z pack-relative-relocs`` needs GLIBC_ABI_DT_RELR (glibc 2.36) and no
# symbol at all; without this it would pass a check it fails on Amazon Linux 2023.
_MARKERS = {"GLIBC_ABI_DT_RELR": (2, 36)}

# .gnu.version entries: bit 15 hides the symbol from unversioned lookups, the rest is the index;
# indexes 0 and 1 mean "local" and "unversioned", so a version's own index is at least 2.
_INDEX = 0x7FFF
_FIRST_INDEX = 2

# Verneed and vernaux entries are 16 bytes in both ELF classes; a count beyond what the section
# could hold means a corrupt file, which must not keep the scanner reading the same bytes.
_VERNEED_SIZE = 16

_VERSION_SECTIONS = ("SHT_GNU_verneed", "SHT_GNU_versym")

_CACHE_FORMAT = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")

# What pyelftools, and the bytes it hands back, raise on a truncated or corrupt file.
_PARSE_ERRORS = (
    ELFError,
    ConstructError,
    struct.error,
    zlib.error,
    EOFError,
    ValueError,
    IndexError,
    KeyError,
    OverflowError,
)


class GlibcScanError(AsmlError):
    """A file that starts like an ELF file cannot be read, so its glibc needs are unknown."""


@dataclass(frozen=True, order=True)
class GlibcNeed:
    """One glibc version that one ELF file needs, and the symbol that needs it.

    ``symbol`` is empty when the file asks for the version without binding any symbol to it
    (the linker still refuses to load it where that version is missing).
    """

    file: str  # the file's name inside the zip or tree
    symbol: str
    version: tuple[int, int]

    @property
    def label(self) -> str:
        """The version as the dynamic linker names it in its error: ``GLIBC_2.35``."""
        return f"GLIBC_{self.version[0]}.{self.version[1]}"


def glibc_version(name: str) -> tuple[int, int] | None:
    """The glibc release a version name needs, or None for names no release satisfies.

    ``GLIBC_PRIVATE`` is glibc's own, between its libraries, and never a layer's problem.
    """
    if name in _MARKERS:
        return _MARKERS[name]
    match = _VERSION.fullmatch(name)
    return (int(match[1]), int(match[2])) if match else None


def needed_libraries(path: Path) -> list[str]:
    """The shared libraries an ELF file names in its dynamic section (``DT_NEEDED``)."""
    try:
        with path.open("rb") as handle:
            dynamic = ELFFile(handle).get_section_by_name(".dynamic")
            if not isinstance(dynamic, DynamicSection):
                return []
            tags = dynamic.iter_tags("DT_NEEDED")
            return [str(tag.needed) for tag in tags]  # type: ignore[attr-defined]
    except _PARSE_ERRORS as error:
        raise GlibcScanError(f"{path} cannot be read as an ELF file ({error})") from error


def elf_needs(data: bytes | BinaryIO, name: str) -> list[GlibcNeed]:
    """Every glibc version ``data`` needs, with the symbols bound to each; [] if not ELF.

    ``data`` is the whole file, or a seekable stream of it; ``name`` labels the results and
    errors. Raises :class:`GlibcScanError` when the file is ELF but truncated or corrupt.
    """
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0)
    if stream.read(4) != ELF_MAGIC:
        return []
    try:
        return _scan(ELFFile(stream), name)
    except _PARSE_ERRORS as error:
        raise GlibcScanError(
            f"{name} looks like an ELF file but cannot be read ({error}); its glibc needs"
            " are unknown. Rebuild the layer, or remove the file if it is not needed"
        ) from error


def _scan(elf: ELFFile, name: str) -> list[GlibcNeed]:
    verneed: GNUVerNeedSection | None = None
    versym: GNUVerSymSection | None = None
    for section in _version_sections(elf, name):
        if isinstance(section, GNUVerNeedSection):
            verneed = section
        elif isinstance(section, GNUVerSymSection):
            versym = section
    if elf.num_sections() == 0 and any(True for _ in elf.iter_segments("PT_DYNAMIC")):
        raise GlibcScanError(
            f"{name} is dynamically linked but has no section headers, so its glibc needs"
            " cannot be read. Rebuild it without stripping its section headers"
        )
    if verneed is None:
        return []
    versions, unindexed = _glibc_versions(verneed, name)
    needs: set[GlibcNeed] = set()
    bound: set[int] = set()
    if versions and versym is not None:
        for index, symbol in _versioned_symbols(elf, versym, set(versions), name):
            bound.add(index)
            needs.add(GlibcNeed(name, symbol, versions[index]))
    # Every required version counts, even one no symbol uses: the linker checks them all.
    needs.update(GlibcNeed(name, "", versions[i]) for i in versions.keys() - bound)
    needs.update(GlibcNeed(name, "", version) for version in unindexed)
    return sorted(needs)


def _version_sections(elf: ELFFile, name: str) -> Iterable[Section]:
    """The ``.gnu.version_r`` and ``.gnu.version`` sections, found by type, not name.

    Only section headers are read to find them: pyelftools' own ``iter_sections`` builds every
    section, and building a hash section parses its whole table, which is slow and fails on
    damage that does not matter here.
    """
    count = elf.num_sections()
    if not count:
        return
    offset: int = elf["e_shoff"]
    size: int = elf["e_shentsize"]
    if size < elf.structs.Elf_Shdr.sizeof() or offset + count * size > elf.stream_len:
        raise GlibcScanError(f"{name} is truncated: its section headers are missing")
    for index in range(count):
        header = struct_parse(elf.structs.Elf_Shdr, elf.stream, stream_pos=offset + index * size)
        if header["sh_type"] in _VERSION_SECTIONS:
            yield elf.get_section(index)


def _glibc_versions(
    verneed: GNUVerNeedSection, name: str
) -> tuple[dict[int, tuple[int, int]], list[tuple[int, int]]]:
    """The glibc versions in ``.gnu.version_r``: ``{index: (major, minor)}``, and the rest.

    A version without an index of its own (not written by GNU ld, but allowed) binds no
    symbol; it is still needed.
    """
    limit = verneed["sh_size"] // _VERNEED_SIZE
    if verneed.num_versions() > limit:
        raise GlibcScanError(f"{name} has a corrupt .gnu.version_r section")
    versions: dict[int, tuple[int, int]] = {}
    unindexed: list[tuple[int, int]] = []
    for version, auxiliaries in verneed.iter_versions():
        if version["vn_cnt"] > limit:
            raise GlibcScanError(f"{name} has a corrupt .gnu.version_r section")
        for auxiliary in auxiliaries:
            needed = glibc_version(auxiliary.name)
            index = auxiliary["vna_other"] & _INDEX
            if needed is None:
                continue
            if index >= _FIRST_INDEX:
                versions[index] = needed
            else:
                unindexed.append(needed)
    return versions, unindexed


def _versioned_symbols(
    elf: ELFFile, versym: GNUVerSymSection, wanted: set[int], name: str
) -> Iterable[tuple[int, str]]:
    """``(version index, symbol name)`` for each ``.dynsym`` symbol bound to a wanted index.

    ``.gnu.version`` is read whole as an array of 16-bit indexes and only the symbols that
    match are parsed: most of a big library's symbols are its own exports.
    """
    symbols = elf.get_section(versym["sh_link"])
    if not isinstance(symbols, SymbolTableSection):
        raise GlibcScanError(f"{name}: .gnu.version does not point at a symbol table")
    raw = versym.data()
    if len(raw) != versym.data_size or len(raw) % 2:
        raise GlibcScanError(f"{name} is truncated in its .gnu.version section")
    indexes = array("H", raw)
    if (sys.byteorder == "little") != elf.little_endian:
        indexes.byteswap()
    count = min(len(indexes), symbols.num_symbols())
    for position in range(1, count):  # entry 0 is the null symbol
        index = indexes[position] & _INDEX
        if index in wanted:
            yield index, symbols.get_symbol(position).name


def zip_needs(path: Path) -> list[GlibcNeed]:
    """Every glibc need of the ELF files in the zip at ``path``, sorted.

    Members are checked for the ELF magic before being read whole, so the Python files,
    which are most of a layer, cost four bytes each. Symlink entries are skipped: their
    target is scanned under its own name.
    """
    needs: list[GlibcNeed] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                    continue
                with archive.open(info) as member:
                    if member.read(4) != ELF_MAGIC:
                        continue
                    data = ELF_MAGIC + member.read()
                needs += elf_needs(data, info.filename)
    except zipfile.BadZipFile as error:
        raise GlibcScanError(f"{path} is not a readable zip ({error})") from error
    return sorted(needs)


def tree_needs(root: Path) -> list[GlibcNeed]:
    """Every glibc need of the ELF files below ``root``, named relative to it, sorted.

    Symlinks are not followed (their targets are scanned where they are, or are outside the
    tree and not shipped).
    """
    needs: list[GlibcNeed] = []
    for folder, _, files in os.walk(root):  # does not follow symlinked folders
        for file in files:
            path = Path(folder, file)
            if path.is_symlink() or not path.is_file():
                continue
            with path.open("rb") as handle:
                needs += elf_needs(handle, path.relative_to(root).as_posix())
    return sorted(needs)


def _newest_first(need: GlibcNeed) -> tuple[int, int, str, str]:
    return (-need.version[0], -need.version[1], need.file, need.symbol)


def too_new(needs: Iterable[GlibcNeed], glibc_minor: int) -> list[GlibcNeed]:
    """The needs that glibc 2.``glibc_minor`` cannot meet, newest first, then by file, symbol."""
    return sorted((n for n in needs if n.version > (2, glibc_minor)), key=_newest_first)


def worst(needs: Iterable[GlibcNeed]) -> GlibcNeed | None:
    """The need for the newest glibc (the first by file and symbol among equals), or None."""
    return min(needs, key=_newest_first, default=None)


def cached_zip_needs(path: Path, sha256: str, cache_dir: Path) -> list[GlibcNeed]:
    """:func:`zip_needs`, remembered by the zip's hex SHA-256 under ``cache_dir/glibc``.

    A layer zip is tens of megabytes and ``asml plan`` checks it on every run; its bytes,
    and so its needs, change only when its hash does. An unreadable cache file is rescanned.
    """
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a hex SHA-256: {sha256!r}")
    cached = cache_dir / "glibc" / f"{sha256}.json"
    if cached.is_file():
        needs = _read_cache(cached)
        if needs is not None:
            return needs
    needs = zip_needs(path)
    cached.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "format": _CACHE_FORMAT,
        "needs": [{"file": n.file, "symbol": n.symbol, "version": list(n.version)} for n in needs],
    }
    write_text_atomic(cached, json.dumps(document, indent=1) + "\n")
    return needs


def _read_cache(cached: Path) -> list[GlibcNeed] | None:
    try:
        document = json.loads(cached.read_text(encoding="utf-8"))
        if document["format"] != _CACHE_FORMAT:
            return None
        needs: list[GlibcNeed] = []
        for entry in document["needs"]:
            major, minor = entry["version"]
            need = GlibcNeed(str(entry["file"]), str(entry["symbol"]), (int(major), int(minor)))
            needs.append(need)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return needs
