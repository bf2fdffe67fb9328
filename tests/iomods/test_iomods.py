"""Guests call IOmods through the real runtime: real IOmod processes, real Cap'n Proto RPC,
moto on 127.0.0.1 for AWS, a loopback HTTP server for std.http."""

from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from asml_runtime.function import Function
from asml_runtime.iomods import load_iomods
from tests.iomods.conftest import engine_of, service_build
from tests.runtime.conftest import ENGINES

each_engine = pytest.mark.parametrize("engine", ENGINES)


@each_engine
def test_a_guest_writes_and_reads_dynamodb_items(aws: str, relay: Any, engine: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    guest = relay(engine)
    item = {"id": {"S": "42"}, "title": {"S": "write tests"}, "n": {"N": "7"}}
    assert guest.ok("akkoro.aws.dynamodb.put_item", {"TableName": "items", "Item": item}) == {}
    got = guest.ok(
        "akkoro.aws.dynamodb.get_item", {"TableName": "items", "Key": {"id": {"S": "42"}}}
    )
    assert got["Item"] == item
    scanned = guest.ok("akkoro.aws.dynamodb.scan", {"TableName": "items"})
    assert scanned["Count"] == 1
    stored = boto3.client("dynamodb").get_item(TableName="items", Key={"id": {"S": "42"}})
    assert stored["Item"]["title"] == {"S": "write tests"}
    missing = guest.call(
        "akkoro.aws.dynamodb.get_item", {"TableName": "nope", "Key": {"id": {"S": "1"}}}
    )
    assert missing["error"]["code"] == "ResourceNotFoundException"


@each_engine
def test_a_guest_puts_and_gets_s3_objects(aws: str, relay: Any, engine: str) -> None:
    boto3.client("s3").create_bucket(Bucket="files")
    guest = relay(engine)
    guest.ok("akkoro.aws.s3.put_object", {"Bucket": "files", "Key": "a.txt", "Body": "hello s3"})
    binary = bytes(range(256))
    guest.ok(
        "akkoro.aws.s3.put_object",
        {"Bucket": "files", "Key": "b.bin", "BodyBase64": base64.b64encode(binary).decode()},
    )
    text = guest.ok("akkoro.aws.s3.get_object", {"Bucket": "files", "Key": "a.txt"})
    assert text["Body"] == "hello s3"
    assert text["ContentLength"] == 8
    raw = guest.ok("akkoro.aws.s3.get_object", {"Bucket": "files", "Key": "b.bin"})
    assert base64.b64decode(raw["BodyBase64"]) == binary
    assert boto3.client("s3").get_object(Bucket="files", Key="b.bin")["Body"].read() == binary
    listed = guest.ok("akkoro.aws.s3.list_objects_v2", {"Bucket": "files"})
    assert [o["Key"] for o in listed["Contents"]] == ["a.txt", "b.bin"]
    missing = guest.call("akkoro.aws.s3.get_object", {"Bucket": "files", "Key": "none"})
    assert missing["error"]["code"] == "NoSuchKey"


@each_engine
def test_a_guest_reads_a_secret(aws: str, relay: Any, engine: str) -> None:
    boto3.client("secretsmanager").create_secret(Name="db-password", SecretString="s3cr3t")
    secret = relay(engine).ok(
        "akkoro.aws.secretsmanager.get_secret_value", {"SecretId": "db-password"}
    )
    assert secret["SecretString"] == "s3cr3t"
    assert secret["Name"] == "db-password"


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"no such thing")
            return
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "body": body.decode(),
                "auth": self.headers.get("authorization", ""),
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@each_engine
def test_std_http_against_a_loopback_server(aws: str, relay: Any, web: str, engine: str) -> None:
    guest = relay(engine)
    got = guest.ok("akkoro.std.http.request", {"url": f"{web}/hello?x=1"})
    assert got["status"] == 200
    assert json.loads(got["body"])["path"] == "/hello?x=1"
    posted = guest.ok(
        "akkoro.std.http.request",
        {"url": f"{web}/items", "method": "POST", "body": "{\"a\": 1}",
         "sigv4": {"service": "execute-api"}},
    )  # fmt: skip
    echoed = json.loads(posted["body"])
    assert echoed["body"] == '{"a": 1}'
    assert echoed["auth"].startswith("AWS4-HMAC-SHA256 Credential=test/")
    assert guest.ok("akkoro.std.http.request", {"url": f"{web}/missing"})["status"] == 404
    refused = guest.call("akkoro.std.http.request", {"url": "http://127.0.0.1:9/"})
    assert refused["error"]["code"] == "Upstream"


@each_engine
def test_malformed_input_is_a_structured_error(aws: str, relay: Any, engine: str) -> None:
    guest = relay(engine)
    answers = guest.run(
        [
            ("akkoro.std.crypto.random_bytes", {"length": "many"}),
            ("akkoro.aws.dynamodb.put_item", {"Nope": 1}),
            ("akkoro.std.http.request", {"url": "file:///etc/passwd"}),
            ("akkoro.std.crypto.no_such_call", {}),
            ("akkoro.std.crypto.uuid4", {}),
        ]
    )
    codes = [a.get("error", {}).get("code") for a in answers]
    assert codes == ["BadInput", "BadInput", "BadInput", "UnknownCall", None]
    assert "length" in answers[0]["error"]["message"]
    assert len(answers[4]["ok"]["uuid"]) == 36
    # The IOmods are still there.
    assert guest.ok("akkoro.std.crypto.hash", {"data": "abc"})["hex"].startswith("ba7816bf")
    # Bytes that are not JSON at all, straight through the runtime's client.
    client = guest.iomods
    identifier = client.invoke("akkoro.std.crypto.uuid4", b"\xff not json")
    assert client.wait(identifier, 10) == 2
    assert json.loads(client.result(identifier) or b"")["code"] == "BadInput"


def test_calls_to_undeclared_iomods_are_an_error_the_guest_reads(
    aws: str, relay: Any, relay_project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = engine_of(relay_project)
    guest = relay(engine)
    fix = (
        "in services/io/service.toml, add the dependency's name to `iomods` of"
        f" [functions.relay-{engine}] (and, if the service has none yet, an [iomods.NAME] with"
        ' coordinates = "akkoro.aws.lambda")'
    )
    message = (
        f"io.relay-{engine} called akkoro.aws.lambda.invoke, but does not declare IOmod"
        f" akkoro.aws.lambda: {fix}"
    )
    with caplog.at_level("ERROR", logger="asml.runtime"):
        answers = guest.run([("akkoro.aws.lambda.invoke", {"FunctionName": "x"})] * 2)
    assert answers == [{"error": {"code": "NotDeclared", "message": message}}] * 2
    # once per event, not once per call: a loop must not flood the log
    assert [r.getMessage() for r in caplog.records] == [message]
    # the function's own IOmods still answer, in the same event as a refused call
    mixed = guest.run([("akkoro.aws.lambda.invoke", {}), ("akkoro.std.crypto.uuid4", {})])
    assert mixed[0]["error"]["code"] == "NotDeclared" and len(mixed[1]["ok"]["uuid"]) == 36
    plain_dir = service_build(relay_project) / "plain"
    assert not (plain_dir / "iomods.json").exists()
    plain = Function(plain_dir, iomods=load_iomods(plain_dir))
    answer = json.loads(plain.invoke(b'[["akkoro.std.crypto.uuid4", {}]]'))
    assert answer[0]["error"]["code"] == "NotDeclared"
    assert "io.plain called akkoro.std.crypto.uuid4" in answer[0]["error"]["message"]
    # a name that is no IOmod call says so
    bad = json.loads(plain.invoke(b'[["uuid4", {}]]'))
    assert "'uuid4', which is not an IOmod call" in bad[0]["error"]["message"]


def test_a_function_that_names_some_calls_may_make_only_those(
    aws: str, relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    narrow = relay("wasmtime", "narrow")
    with caplog.at_level("ERROR", logger="asml.runtime"):
        uuid, digest = narrow.run([("akkoro.std.crypto.uuid4", {}),
                                   ("akkoro.std.crypto.hash", {"data": "x"})])  # fmt: skip
    assert len(uuid["ok"]["uuid"]) == 36
    message = (
        'io.narrow called akkoro.std.crypto.hash, but its manifest names only "crypto.uuid4" of'
        ' IOmod crypto: in services/io/service.toml, add "crypto.hash" to `iomods` of'
        " [functions.narrow] (its role gets that call's IAM actions too)"
    )
    assert digest == {"error": {"code": "NotDeclared", "message": message}}
    assert [r.getMessage() for r in caplog.records] == [message]


@each_engine
def test_many_concurrent_calls_come_back_uncrossed(aws: str, relay: Any, engine: str) -> None:
    guest = relay(engine)
    calls = [("acme.test.echo.echo", {"n": n, "pad": "x" * (n % 7)}) for n in range(200)]
    calls += [("acme.test.echo.slow", 0.05 * (n % 4)) for n in range(20)]
    started = time.monotonic()
    answers = guest.run(calls)
    elapsed = time.monotonic() - started
    assert [a["ok"] for a in answers[:200]] == [value for _, value in calls[:200]]
    assert [a["ok"] for a in answers[200:]] == [value for _, value in calls[200:]]
    assert elapsed < 1.5, "the slow calls ran one after another instead of together"


def test_many_guests_at_once(aws: str, relay_project: Path, iomod_path: Path) -> None:
    """Several runtime processes (as several Lambda environments or serve workers would be),
    each with its own IOmods, each making many concurrent calls, all at the same time."""
    import subprocess
    import sys

    script = Path(__file__).with_name("many_calls.py")
    directory = service_build(relay_project) / f"relay-{engine_of(relay_project)}"
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(directory), str(worker)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    for worker, process in enumerate(processes):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.strip() == f"worker {worker}: 10 events x 50 calls ok"


@each_engine
def test_an_iomod_killed_mid_call_is_an_error_then_it_is_back(
    aws: str, relay: Any, engine: str
) -> None:
    guest = relay(engine)
    first_pid = guest.ok("acme.test.echo.pid", None)
    killer = threading.Timer(0.5, os.kill, (first_pid, signal.SIGKILL))
    killer.start()
    answer = guest.call("acme.test.echo.slow", 10)
    killer.join()
    assert answer["error"]["code"] == "Crashed"
    assert "acme.test.echo" in answer["error"]["message"]
    assert guest.ok("acme.test.echo.echo", "again") == "again"
    assert guest.ok("acme.test.echo.pid", None) != first_pid


@each_engine
def test_a_call_before_registration_waits_and_succeeds(aws: str, relay: Any, engine: str) -> None:
    started = time.monotonic()
    guest = relay(engine)  # starts every IOmod; acme.test.sleepy takes a second to register
    assert guest.ok("acme.test.sleepy.hello", "early") == "hello early"
    assert time.monotonic() - started >= 0.9


def test_an_iomod_that_never_registers_is_unavailable(
    aws: str, relay: Any, relay_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASML_IOMOD_REGISTER_TIMEOUT", "0.2")
    answer = relay(engine_of(relay_project)).call("acme.test.sleepy.hello", "x")
    assert answer["error"]["code"] == "Unavailable"
    assert "did not register within 0.2 s" in answer["error"]["message"]


def test_a_call_that_runs_too_long_times_out(
    aws: str, relay: Any, relay_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASML_IOMOD_CALL_TIMEOUT", "0.3")
    guest = relay(engine_of(relay_project))
    answer = guest.call("acme.test.echo.slow", 5)
    assert answer["error"] == {
        "code": "Timeout",
        "message": "acme.test.echo.slow did not answer within 0.3 s",
    }
    assert guest.ok("acme.test.echo.echo", 1) == 1
