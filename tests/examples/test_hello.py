"""examples/hello through `asml serve` and `asml invoke`; errors and reloads."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunAsml
from tests.serving import copy_example, serving, wait_for

TRAP = """#include <asml.h>

ASML_HANDLER(handler) {
    (void)event;
    __builtin_trap();
}
"""


def test_hello_answers_and_a_trap_fails_only_its_own_request(tmp_path: Path) -> None:
    root = copy_example("hello", tmp_path)
    (root / "services" / "api" / "boom").mkdir()
    (root / "services" / "api" / "boom" / "main.c").write_text(TRAP)
    manifest = root / "services" / "api" / "service.toml"
    manifest.write_text(manifest.read_text() + '\n[functions.boom]\nlanguage = "c"\n'
                        'http = { verb = "GET", path = "/boom" }\n')  # fmt: skip
    with serving(root, "--no-watch") as served:
        assert served.json("GET", "/hello") == (200, {"message": "Hello from hello!"})
        status, body = served.json("GET", "/boom")
        assert status == 502
        assert body["message"].startswith("Internal Server Error: GuestTrap")
        assert served.json("GET", "/hello")[0] == 200
        assert served.json("GET", "/nothing-here") == (404, {"message": "Not Found"})
    assert any(line.startswith("GET /hello -> api.hello 200 ") for line in served.log)
    assert any(line.startswith("GET /boom -> api.boom 502 ") for line in served.log)


def test_saving_a_source_rebuilds_and_reloads(tmp_path: Path) -> None:
    root = copy_example("hello", tmp_path)
    source = root / "services" / "api" / "hello" / "main.c"
    with serving(root) as served:
        assert served.json("GET", "/hello")[1] == {"message": "Hello from hello!"}
        source.write_text(source.read_text().replace("Hello from hello!", "Hello again!"))
        wait_for(lambda: served.json("GET", "/hello")[1] == {"message": "Hello again!"})
    assert "rebuilt and reloaded" in served.log


def test_invoke_runs_one_event(tmp_path: Path, run_asml: RunAsml) -> None:
    root = copy_example("hello", tmp_path)
    result = run_asml("invoke", "api.hello", cwd=root)
    assert result.exit_code == 0, result.output
    assert '"statusCode": 200' in result.output
    assert "Hello from hello!" in result.output
    bad = run_asml("invoke", "api.hello", "--event", "-", cwd=root, input="not json")
    assert bad.exit_code == 1
    assert "the event is not JSON" in bad.output
