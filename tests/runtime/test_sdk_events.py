"""Each SDK reads an SQS batch and answers with the messages that failed (Lambda's partial
batch response): its records, a key of each, a string with escapes (`\\u00e9`, `\\"`), a
dotted path through nested arrays past a `}` inside a string; and the answer's JSON. The
guests are in guests/batch/, one per language, run with `asml invoke --event FILE`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project

GUESTS = Path(__file__).parent / "guests" / "batch"
# language -> (the guest here, where it goes in the function's folder)
SOURCES = {
    "c": ("main.c", "main.c"),
    "rust": ("lib.rs", "src/lib.rs"),
    "zig": ("main.zig", "main.zig"),
    "assemblyscript": ("index.ts", "assembly/index.ts"),
}
EVENT = {
    "Records": [
        {"messageId": "m1", "body": 'caf\u00e9 "au lait"', "eventSource": "aws:sqs"},
        {"messageId": "m2", "body": "bad", "eventSource": "aws:sqs"},
        {
            "messageId": "m3",
            "nested": {"x": [1, {"y": "} is not the end"}], "z": "]"},
            "body": "bad",
            "eventSource": "aws:sqs",
        },
    ]
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_project(
        tmp_path_factory.mktemp("sdk-events") / "batch",
        InitOptions(language="c", engine="wasmtime"),
    )
    for language, (guest, target) in SOURCES.items():
        add_function(root, "api", language, language, None)
        shutil.copy(GUESTS / guest, root / "services" / "api" / language / target)
    # \u escapes in the file itself, as JSON encoders write them
    (root / "event.json").write_text(json.dumps(EVENT, ensure_ascii=True))
    return root


@pytest.mark.parametrize("language", list(SOURCES))
def test_each_sdk_reads_a_batch_and_reports_the_failed_messages(
    language: str, project: Path
) -> None:
    # A real process: the guest's log lines come from the worker, on its standard error.
    done = subprocess.run(
        [sys.executable, "-m", "asml", "invoke", f"api.{language}", "--event", "event.json"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]
    }
    logged = [line for line in done.stderr.splitlines() if f"api.{language}:" in line]
    assert logged == [
        f'INFO api.{language}: handled café "au lait"',
        f"INFO api.{language}: deep }} is not the end",
    ], done.stderr
