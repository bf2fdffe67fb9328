"""One runtime process for test_many_guests_at_once: 10 events of 50 concurrent calls."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from asml_runtime.function import Function
from asml_runtime.iomods import load_iomods

directory, worker = Path(sys.argv[1]), int(sys.argv[2])
function = Function(directory, iomods=load_iomods(directory))
for event in range(10):
    values = [{"worker": worker, "event": event, "call": n} for n in range(50)]
    calls = [["acme.test.echo.echo", value] for value in values]
    answers = json.loads(function.invoke(json.dumps(calls).encode()))
    if [a.get("ok") for a in answers] != values:
        sys.exit(f"worker {worker}, event {event}: crossed or lost answers: {answers}")
print(f"worker {worker}: 10 events x 50 calls ok")
