"""examples/todo through `asml serve --target local`, its IOmods talking to moto: the API,
and a 30 s load of concurrent clients with no errors and no lost writes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import client
from tests.local_aws import reset
from tests.serving import Served, copy_example, serving

LOAD_SECONDS = float(os.environ.get("ASML_LOAD_SECONDS", "30"))
CLIENTS = 8


@pytest.fixture
def todo(tmp_path: Path, moto: str) -> Iterator[Served]:
    root = copy_example("todo", tmp_path)
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text().replace("http://127.0.0.1:5000", moto))
    # user_tf/ creates the table on deploy; here it is made directly in the local AWS
    client(moto, "dynamodb").create_table(
        TableName="todos",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        with serving(root, "--target", "local", "--no-watch", "--workers", "2") as served:
            yield served
    finally:
        reset(moto)


def test_create_read_list_delete(todo: Served) -> None:
    status, created = todo.json("POST", "/todos", {"title": 'buy "milk"'})
    assert status == 201
    assert created["title"] == 'buy "milk"' and created["done"] is False
    assert todo.json("GET", f"/todos/{created['id']}") == (200, created)
    assert todo.json("GET", "/todos") == (200, {"todos": [created]})
    status, _, body = todo.request("DELETE", f"/todos/{created['id']}")
    assert (status, body) == (204, b"")
    assert todo.json("GET", f"/todos/{created['id']}")[0] == 404
    assert todo.json("DELETE", f"/todos/{created['id']}")[0] == 404
    assert todo.json("GET", "/todos") == (200, {"todos": []})
    assert todo.json("POST", "/todos", {"name": "no title"})[0] == 400
    status, _, _ = todo.request("POST", "/todos", b"not json")
    assert status == 400


def test_concurrent_clients_lose_no_writes(todo: Served, moto: str) -> None:
    created: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def client_loop(number: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            count += 1
            status, body = todo.json("POST", "/todos", {"title": f"client {number} #{count}"})
            with lock:
                if status == 201:
                    created.append(body["id"])
                else:
                    failures.append(f"{status} {body}")
            if count % 5 == 0:
                status, _ = todo.json("GET", "/todos")
                if status != 200:
                    with lock:
                        failures.append(f"list: {status}")

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(created) > CLIENTS
    table = client(moto, "dynamodb")
    stored: set[str] = set()
    pages = table.get_paginator("scan").paginate(TableName="todos")
    for page in pages:
        stored |= {item["id"]["S"] for item in page["Items"]}
    assert stored == set(created)
