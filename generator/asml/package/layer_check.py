"""The glibc each layer's native files need, against the glibc of the Amazon Linux its
Lambda runtime runs on.

A native library built against a newer glibc fails at import on Lambda, long after the
deploy succeeded. This machine's own CPython 3.10, for one, needs glibc 2.35 (``hypot`` in
libpython) where ``provided.al2023`` has 2.34: fine for the local target, not for AWS. So
``asml package`` records which runtime each layer is for (``layers.json`` beside them);
``asml plan``/``apply`` refuse a layer that needs too new a glibc for a stage on AWS, and
``asml cast``/``asml check`` warn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asml.errors import AsmlError
from asml.fsutil import write_text_atomic
from asml.package.glibc import GlibcNeed, cached_zip_needs, too_new
from asml.package.lambda_platform import LambdaRuntime, runtime_by_name
from asml.package.zips import ZipResult

LAYERS_FILE = "layers.json"  # in the package directory: each layer's Lambda runtime
AWS_REFUSES = "`asml plan` and `asml apply` refuse it for AWS (the local target is fine)"


@dataclass(frozen=True)
class TooNew:
    """A layer with native code that needs a newer glibc than its runtime has."""

    layer: str  # the zip's path below the package directory
    runtime: LambdaRuntime
    need: GlibcNeed  # the newest need
    more: int  # further symbols above the runtime's glibc
    interpreter: bool  # the interpreter layer (the user chose its source)

    def message(self) -> str:
        return f"{self.layer}: {self.detail()}"

    def detail(self) -> str:
        more = f" (and {self.more} more symbol{'s' * (self.more != 1)})" if self.more else ""
        symbol = f" ({self.need.symbol})" if self.need.symbol else ""
        fix = (
            "build the interpreter from python-build-standalone (glibc 2.17): unset"
            " ASML_PYTHON_PREFIX and ASML_PYTHON_ARCHIVE, or point ASML_PYTHON_ARCHIVE at a"
            " python-build-standalone archive"
            if self.interpreter
            else "a wheel in it was built for a newer Linux than the runtime's; report it"
        )
        return (
            f"{self.need.file} needs {self.need.label}{symbol}{more}, but"
            f" Lambda's {self.runtime.name} has glibc 2.{self.runtime.glibc_minor}; {fix}"
        )


def record_layers(out: Path, layers: Iterable[tuple[ZipResult, LambdaRuntime, bool]]) -> None:
    """Write ``layers.json``: each layer zip with its runtime and SHA-256."""
    entries = [
        {
            "file": result.path.relative_to(out).as_posix(),
            "runtime": runtime.name,
            "sha256": result.sha256,
            "interpreter": interpreter,
        }
        for result, runtime, interpreter in layers
    ]
    entries.sort(key=lambda entry: str(entry["file"]))
    write_text_atomic(out / LAYERS_FILE, json.dumps({"layers": entries}, indent=2) + "\n")


def check_recorded(out: Path, cache_dir: Path) -> list[TooNew]:
    """Check the layers ``layers.json`` in ``out`` lists (none if nothing was packaged yet).

    A ``layers.json`` that cannot be read is an error, never "nothing to check"."""
    listing = out / LAYERS_FILE
    if not listing.is_file():
        return []
    found = []
    try:
        for entry in json.loads(listing.read_text(encoding="utf-8"))["layers"]:
            path = out / entry["file"]
            if not path.is_file():
                continue
            runtime = runtime_by_name(entry["runtime"])
            needs = too_new(cached_zip_needs(path, entry["sha256"], cache_dir), runtime.glibc_minor)
            if needs:
                interpreter = bool(entry["interpreter"])
                found.append(TooNew(entry["file"], runtime, needs[0], len(needs) - 1, interpreter))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AsmlError(
            f"{listing} is unreadable ({type(error).__name__}: {error}); run `asml package` or"
            " `asml cast` again to rewrite it"
        ) from None
    return found


def refuse_for_aws(found: Iterable[TooNew]) -> None:
    """Stop a deployment to AWS whose layers would fail at import there."""
    found = list(found)
    if found:
        lines = "\n".join(f"  {layer.message()}" for layer in found)
        raise AsmlError(
            f"refusing to deploy to AWS: {len(found)} layer{'s' * (len(found) != 1)} would not"
            f" load on Lambda:\n{lines}"
        )
