"""A function as a stage deployed it: invoked on Lambda (``asml invoke SVC.FN --stage S``), or,
for the local target, run by asml's own runtime from the package the local AWS reports.

A local AWS (moto) records a function's code but can neither run it (that needs Docker) nor
hand it back (its download address is not served). So every apply to the local target keeps a
copy of each function's package, by its hash, in ``.asml/deployed/<stage>/``; an invocation
runs the copy whose hash the local AWS reports for the function, with the memory, timeout and
environment it reports.
"""

from __future__ import annotations

import base64
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asml.errors import AsmlError
from asml.fsutil import write_bytes_atomic
from asml.package.zips import lambda_code_hash
from asml.terraform.session import stage_client
from asml.terraform.stage import StageContext, flags_of
from asml.terraform.summary import deployed_functions

# The record every function's zip holds (generator/asml/package/function_zip.py).
RECORD = "module.json"


@dataclass(frozen=True)
class Invocation:
    payload: bytes
    log_tail: str  # the last 4 KB of the invocation's log, as Lambda returns it
    function_error: str | None  # "Unhandled" when the function failed


@dataclass(frozen=True)
class DeployedFunction:
    name: str
    directory: Path  # where its package was unpacked
    memory_mb: int
    timeout: int
    environment: dict[str, str]


def _client(context: StageContext) -> Any:
    return stage_client(context, "lambda", read_timeout=900)


def _not_deployed(error: Exception, name: str, reference: str, context: StageContext) -> None:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") == (
        "ResourceNotFoundException"
    ):
        raise AsmlError(
            f"{reference} is not deployed to stage {context.label} (no function {name} in"
            f" {context.region}): run `asml deploy{flags_of(context)}` first"
        ) from None


def invoke(context: StageContext, name: str, reference: str, event: bytes) -> Invocation:
    """One synchronous invocation on Lambda, with the tail of its log."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = _client(context).invoke(FunctionName=name, Payload=event, LogType="Tail")
    except (BotoCoreError, ClientError) as error:
        _not_deployed(error, name, reference, context)
        raise AsmlError(f"invoking {name} on stage {context.label} failed: {error}") from None
    tail = base64.b64decode(answer.get("LogResult", "")).decode("utf-8", "replace")
    return Invocation(answer["Payload"].read(), tail, answer.get("FunctionError"))


def _copies(context: StageContext) -> Path:
    return context.project_root / ".asml" / "deployed" / context.key


def _hex(code_sha256: str) -> str:
    return base64.b64decode(code_sha256).hex()


def keep_copies(context: StageContext, net_dir: Path, state: dict[str, Any]) -> None:
    """A copy of each deployed function's package, by hash (local target only)."""
    store = _copies(context)
    store.mkdir(parents=True, exist_ok=True)
    for attributes in deployed_functions(state).values():
        source = (net_dir / attributes.get("filename", "")).resolve()
        digest = attributes.get("source_code_hash", "")
        if not source.is_relative_to(net_dir.resolve()) or not source.is_file() or not digest:
            continue
        if lambda_code_hash(source.read_bytes()) == digest:
            shutil.copyfile(source, store / f"{_hex(digest)}.zip")


def fetch(context: StageContext, name: str, reference: str, into: Path) -> DeployedFunction:
    """The package the local AWS reports for ``name``, from the copy kept when it was
    deployed, checked against that hash and unpacked into ``into``; with its configuration."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        configuration = _client(context).get_function_configuration(FunctionName=name)
    except (BotoCoreError, ClientError) as error:
        _not_deployed(error, name, reference, context)
        raise AsmlError(f"reading {name} from stage {context.label} failed: {error}") from None
    digest = str(configuration.get("CodeSha256", ""))
    copy = _copies(context) / f"{_hex(digest)}.zip"
    if not copy.is_file():
        raise AsmlError(
            f"{name} on stage {context.label} runs code {digest}, and this machine has no copy"
            f" of it (a local AWS cannot hand code back; asml keeps one per local deploy): run"
            f" `asml deploy{flags_of(context)}` to deploy the project's code again"
        )
    data = copy.read_bytes()
    if lambda_code_hash(data) != digest:
        raise AsmlError(f"{copy} is not the code {name} runs; delete it and deploy again")
    _unpack(data, into)
    return DeployedFunction(
        name,
        into,
        int(configuration.get("MemorySize", 128)),
        int(configuration.get("Timeout", 3)),
        dict(configuration.get("Environment", {}).get("Variables", {})),
    )


def _unpack(data: bytes, into: Path) -> None:
    """The package's files, each a plain name written inside ``into`` (nothing else)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if RECORD not in names or any("/" in n or "\\" in n or n.startswith(".") for n in names):
            raise AsmlError(f"the deployed package holds {sorted(names)}, not an asml function")
        if into.exists():
            shutil.rmtree(into)
        into.mkdir(parents=True)
        for name in names:
            write_bytes_atomic(into / name, archive.read(name))
