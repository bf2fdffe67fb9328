"""The gateway's rules without processes: route matching, events, proxy responses, JWTs."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from asml.manifest.model import Authorizer
from asml.serve.auth import Verifier
from asml.serve.events import Request, Response, build_event, proxy_response
from asml.serve.routes import Route, match
from asml.serve.watch import is_watched


def _route(
    verb: str, path: str, function: str = "f", authorizer: Authorizer | None = None
) -> Route:
    return Route(verb, path, "api", function, authorizer, "auth" if authorizer else None)


ROUTES = [
    _route("GET", "/todos", "list"),
    _route("GET", "/todos/{id}", "get"),
    _route("ANY", "/todos/{id}", "any"),
    _route("GET", "/todos/special", "special"),
    _route("GET", "/files/{proxy+}", "files"),
    _route("ANY", "/{proxy+}", "fallback"),
    _route("GET", "/", "root"),
]


@pytest.mark.parametrize(
    ("method", "path", "function", "parameters"),
    [
        ("GET", "/todos", "list", {}),
        ("GET", "/todos/42", "get", {"id": "42"}),
        ("DELETE", "/todos/42", "any", {"id": "42"}),
        ("GET", "/todos/special", "special", {}),
        ("GET", "/todos/a%20b", "get", {"id": "a b"}),
        ("GET", "/files/a/b/c.txt", "files", {"proxy": "a/b/c.txt"}),
        ("POST", "/elsewhere/x", "fallback", {"proxy": "elsewhere/x"}),
        ("GET", "/", "root", {}),
    ],
)
def test_the_most_specific_route_wins(
    method: str, path: str, function: str, parameters: dict[str, str]
) -> None:
    found = match(ROUTES, method, path)
    assert found is not None
    assert (found[0].function, found[1]) == (function, parameters)


def test_no_route_no_match() -> None:
    assert match(ROUTES[:2], "GET", "/todos/1/2") is None
    assert match(ROUTES[:2], "POST", "/todos") is None


def test_events_are_payload_2_0() -> None:
    request = Request("POST", "/todos/7?a=1&a=2&b=", [("Host", "x"), ("Cookie", "s=1; t=2"),
                      ("X-Twice", "1"), ("X-Twice", "2"), ("Content-Type", "application/json")],
                      b'{"k": 1}')  # fmt: skip
    event = build_event(request, ROUTES[2], {"id": "7"}, None, {"STAGE": "dev"})
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /todos/{id}"
    assert event["rawPath"] == "/todos/7" and event["rawQueryString"] == "a=1&a=2&b="
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"]["x-twice"] == "1,2" and "cookie" not in event["headers"]
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"STAGE": "dev"}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": 1}', False)
    binary = build_event(Request("PUT", "/x", [("content-type", "image/png")], b"\x89PNG"),
                         ROUTES[5], {})  # fmt: skip
    assert binary["isBase64Encoded"] and base64.b64decode(binary["body"]) == b"\x89PNG"


@pytest.mark.parametrize(
    ("answer", "status", "headers", "body"),
    [
        ({"statusCode": 201, "body": "made"}, 201, [("content-type", "application/json")], b"made"),
        ({"statusCode": 204}, 204, [], b""),
        ({"hello": "world"}, 200, [("content-type", "application/json")], b'{"hello": "world"}'),
        ("plain", 200, [("content-type", "application/json")], b"plain"),
        ({"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "cookies": ["a=1"],
          "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}, 200,
         [("content-type", "text/plain"), ("set-cookie", "a=1")], b"\x00\x01"),
    ],
)  # fmt: skip
def test_lambda_proxy_answers(answer: object, status: int, headers: list[tuple[str, str]],
                              body: bytes) -> None:  # fmt: skip
    assert proxy_response(answer) == Response(status, headers, body)


def test_a_bad_status_code_is_a_502() -> None:
    assert proxy_response({"statusCode": "teapot"}).status == 502


@pytest.mark.parametrize(
    "headers",
    [
        {"x-note": "fine\r\nset-cookie: session=stolen"},
        {"x-note": "fine\nset-cookie: session=stolen"},
        {"x-note\r\nset-cookie": "session=stolen"},
        {"bad name": "x"},
        {"x-nul": "a\x00b"},
    ],
)
def test_a_header_that_would_split_the_response_is_a_502(headers: dict[str, str]) -> None:
    # Reproduced before the fix: the CR/LF reached the client as a Set-Cookie of the guest's.
    response = proxy_response({"statusCode": 200, "headers": headers, "body": "hi"})
    ((name, value),) = headers.items()
    assert response == Response(
        502,
        [("content-type", "application/json")],
        json.dumps(
            {"message": f"the function answered with an invalid header {name!r}: {value!r}"}
        ).encode(),
    )
    cookie = proxy_response({"statusCode": 200, "cookies": ["a=b\r\nx-evil: 1"], "body": ""})
    assert cookie.status == 502


def test_a_tab_in_a_header_value_is_allowed() -> None:
    response = proxy_response({"statusCode": 200, "headers": {"x-note": "a\tb"}, "body": ""})
    assert response.status == 200
    assert ("x-note", "a\tb") in response.headers


@pytest.fixture
def keys(tmp_path: Path) -> tuple[rsa.RSAPrivateKey, Path]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**public, "kid": "k1"}]}))
    return private, tmp_path


def _token(private: rsa.RSAPrivateKey, **claims: object) -> str:
    body = {"iss": "https://auth.example.com/", "aud": "app", "exp": time.time() + 60,
            "sub": "user-1", "scope": "todos:read", **claims}  # fmt: skip
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": "k1"})


def test_jwt_authorizers_verify_tokens_against_the_jwks(
    keys: tuple[rsa.RSAPrivateKey, Path],
) -> None:
    private, directory = keys
    authorizer = Authorizer(type="JWT", issuer="https://auth.example.com/", audience=["app"],
                            scopes=["todos:read"], jwks="jwks.json")  # fmt: skip
    route = _route("GET", "/me", authorizer=authorizer)
    verifier = Verifier({"api": directory})

    def check(token: str | None) -> Response | dict[str, object] | None:
        headers = [("authorization", f"Bearer {token}")] if token else []
        return verifier.check(route, Request("GET", "/me", headers, b""))

    allowed = check(_token(private))
    assert isinstance(allowed, dict)
    assert allowed["jwt"]["claims"]["sub"] == "user-1"  # type: ignore[index]
    assert check(None) == Response(401, [("content-type", "application/json")],
                                   b'{"message": "Unauthorized"}')  # fmt: skip
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (_token(private, aud="other"), _token(private, exp=time.time() - 10),
                _token(private, iss="https://evil.example.com/"), _token(stranger)):  # fmt: skip
        refused = check(bad)
        assert isinstance(refused, Response) and refused.status == 401
    no_scope = check(_token(private, scope="todos:write"))
    assert isinstance(no_scope, Response) and no_scope.status == 403
    # As API Gateway: exp is required, and only RSA signatures count.
    no_exp = jwt.encode({"iss": "https://auth.example.com/", "aud": "app", "sub": "u",
                         "scope": "todos:read"}, private, algorithm="RS256",
                        headers={"kid": "k1"})  # fmt: skip
    assert check(no_exp) == Response(401, [("content-type", "application/json")],
                                     b'{"message": "Unauthorized"}')  # fmt: skip
    secret = "a-shared-secret-of-at-least-32-bytes"
    hmac = jwt.encode({"iss": "https://auth.example.com/", "aud": "app", "exp": time.time() + 60,
                       "scope": "todos:read"}, secret, algorithm="HS256",
                      headers={"kid": "k1"})  # fmt: skip
    refused = check(hmac)
    assert isinstance(refused, Response) and refused.status == 401


def test_a_token_without_kid_is_refused_when_the_jwks_has_several_keys(
    keys: tuple[rsa.RSAPrivateKey, Path], tmp_path: Path
) -> None:
    private, directory = keys
    jwks = json.loads((directory / "jwks.json").read_text())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    second = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(other.public_key()))
    (tmp_path / "jwks.json").write_text(
        json.dumps({"keys": [*jwks["keys"], {**second, "kid": "k2"}]})
    )
    authorizer = Authorizer(type="JWT", issuer="https://auth.example.com/", audience=["app"],
                            jwks="jwks.json")  # fmt: skip
    route = _route("GET", "/me", authorizer=authorizer)
    verifier = Verifier({"api": tmp_path})
    body = {"iss": "https://auth.example.com/", "aud": "app", "exp": time.time() + 60}
    unnamed = jwt.encode(body, private, algorithm="RS256")
    refused = verifier.check(route, Request("GET", "/me", [("authorization", unnamed)], b""))
    assert isinstance(refused, Response) and refused.status == 401
    named = jwt.encode(body, private, algorithm="RS256", headers={"kid": "k1"})
    allowed = verifier.check(route, Request("GET", "/me", [("authorization", named)], b""))
    assert isinstance(allowed, dict)


def test_iam_routes_need_a_signed_request() -> None:
    route = _route("GET", "/internal", authorizer=Authorizer(type="AWS_IAM"))
    verifier = Verifier({})
    unsigned = verifier.check(route, Request("GET", "/internal", [], b""))
    assert isinstance(unsigned, Response) and unsigned.status == 403
    signed = [("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/...")]
    assert isinstance(verifier.check(route, Request("GET", "/internal", signed, b"")), dict)


def test_only_sources_and_manifests_trigger_a_rebuild(tmp_path: Path) -> None:
    source = tmp_path / "services" / "api" / "hello"
    paths = [tmp_path / "assemblylift.toml", tmp_path / "services" / "api" / "service.toml",
             source]  # fmt: skip
    assert is_watched(tmp_path / "assemblylift.toml", paths)
    assert is_watched(source / "main.c", paths)
    assert is_watched(source / "src" / "lib.rs", paths)
    assert not is_watched(source / "target" / "wasm32-wasi" / "x.wasm", paths)
    assert not is_watched(source / "node_modules" / "a" / "index.js", paths)
    assert not is_watched(tmp_path / ".asml" / "build" / "x", paths)
    assert not is_watched(tmp_path / "net" / "main.tf", paths)
