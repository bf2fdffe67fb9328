"""`asml invoke SVC.FN --deployed|--stage S`: the deployed function, not the project's build.
On the local target, the code the local AWS holds runs in asml's runtime; on Lambda, Invoke
with the log tail (checked against Lambda's API model)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from asml.scaffold.project import InitOptions, init_project
from asml.terraform import deployed
from asml.terraform.stage import StageContext
from tests.conftest import RunAsml
from tests.deploy.conftest import client, make_project

LOCAL = ("--target", "local")


def test_the_deployed_code_runs_not_the_build(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    missing = run_asml("invoke", "api.hello", "--deployed", *LOCAL, cwd=root)
    assert missing.exit_code == 1, missing.output
    assert missing.stderr.endswith(
        "Error: api.hello is not deployed to stage default (local) (no function"
        " asml-shop-api-hello in us-east-1): run `asml deploy --target local` first\n"
    )
    assert run_asml("deploy", *LOCAL, "--yes", cwd=root).exit_code == 0
    source = root / "services" / "api" / "hello" / "main.c"
    source.write_text(source.read_text().replace("Hello", "Howdy"))

    built = run_asml("invoke", "api.hello", *LOCAL, cwd=root)
    assert built.exit_code == 0, built.output
    assert "Howdy" in json.loads(built.stdout)["body"]

    ran = run_asml("invoke", "api.hello", "--deployed", *LOCAL, cwd=root)
    assert ran.exit_code == 0, ran.output
    response = json.loads(ran.stdout)
    assert response["statusCode"] == 200 and "Hello" in response["body"]
    assert "Running asml-shop-api-hello as stage default (local) deployed it\n" in ran.stderr
    assert run_asml("destroy", *LOCAL, "--yes", cwd=root).exit_code == 0
    assert client(local_aws, "lambda").list_functions()["Functions"] == []


def _stubbed_lambda(monkeypatch: pytest.MonkeyPatch, answer: dict[str, object]) -> Stubber:
    """Lambda's API as botocore models it: requests are checked against the model."""
    context = StageContext(Path("/nowhere"), "prod", "aws", "eu-west-1", None, "local")
    lambdas = deployed._client(context)
    stub = Stubber(lambdas)
    stub.add_response("invoke", answer,
                      {"FunctionName": "asml-shop-prod-api-hello", "Payload": ANY,
                       "LogType": "Tail"})  # fmt: skip
    monkeypatch.setattr(deployed, "_client", lambda _: lambdas)
    return stub


def _shop_with_prod(tmp_path: Path) -> Path:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text() + '\n[stages.prod]\nregion = "eu-west-1"\n')
    return root


TAIL = "START RequestId: 1\nINFO api.hello: saying hello\nEND RequestId: 1\n"


def test_on_lambda_the_response_and_the_log_tail(
    tmp_path: Path, run_asml: RunAsml, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = StreamingBody(io.BytesIO(b'{"statusCode":200}'), 18)
    answer = {"StatusCode": 200, "Payload": body,
              "LogResult": base64.b64encode(TAIL.encode()).decode()}  # fmt: skip
    with _stubbed_lambda(monkeypatch, answer) as stub:
        result = run_asml("invoke", "api.hello", "--stage", "prod", cwd=_shop_with_prod(tmp_path))
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"statusCode": 200}
    assert result.stderr == (
        "Invoking asml-shop-prod-api-hello on stage prod in eu-west-1\n"
        "  log: START RequestId: 1\n  log: INFO api.hello: saying hello\n"
        "  log: END RequestId: 1\n"
    )


def test_on_lambda_a_function_error_exits_1_with_it(
    tmp_path: Path, run_asml: RunAsml, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = b'{"errorType":"GuestTrap","errorMessage":"unreachable"}'
    answer = {"StatusCode": 200, "FunctionError": "Unhandled", "LogResult": "",
              "Payload": StreamingBody(io.BytesIO(failure), len(failure))}  # fmt: skip
    with _stubbed_lambda(monkeypatch, answer):
        result = run_asml("invoke", "api.hello", "--stage", "prod", cwd=_shop_with_prod(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.endswith(f"Error: api.hello failed: {failure.decode()}\n")
    assert result.stdout == ""
