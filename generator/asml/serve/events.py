"""API Gateway HTTP API payload format 2.0: requests to events, Lambda proxy answers to HTTP.

Follows AWS's documented behaviour: headers are lower-cased and repeated ones joined by
commas, cookies travel apart, a body that is not UTF-8 text is base64; an answer without a
``statusCode`` is taken as a 200 JSON body.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asml.serve.routes import Route

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
               "application/x-www-form-urlencoded")  # fmt: skip


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query, as sent
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def build_event(
    request: Request,
    route: Route,
    parameters: dict[str, str],
    authorizer: dict[str, Any] | None = None,
    stage_variables: dict[str, str] | None = None,
) -> dict[str, Any]:
    path, _, query = request.target.partition("?")
    headers = [(k.lower(), v) for k, v in request.headers if k.lower() != "cookie"]
    cookies = [c.strip() for k, v in request.headers if k.lower() == "cookie"
               for c in v.split(";") if c.strip()]  # fmt: skip
    content_type = _joined(headers).get("content-type", "")
    is_text = not request.body or content_type.startswith(_TEXT_TYPES)
    try:
        text = request.body.decode("utf-8") if is_text else None
    except UnicodeDecodeError:
        text = None
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": _joined(headers),
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": _joined(headers).get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": _joined(headers).get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": text is None,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        event["queryStringParameters"] = _joined(pairs)
    if parameters:
        event["pathParameters"] = parameters
    if stage_variables:
        event["stageVariables"] = stage_variables
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    if request.body:
        event["body"] = text if text is not None else base64.b64encode(request.body).decode()
    return event


# RFC 9110: a header name is a token; a value holds no control characters but tab.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def proxy_response(answer: Any) -> Response:
    """What API Gateway sends back for a function's answer."""
    if not isinstance(answer, dict) or "statusCode" not in answer:
        body = answer if isinstance(answer, str) else json.dumps(answer)
        return Response(200, [("content-type", "application/json")], body.encode())
    status = answer.get("statusCode")
    if not isinstance(status, int) or not 100 <= status <= 599:
        return gateway_error(502, f"the function answered with statusCode {status!r}")
    headers = [(str(k).lower(), str(v)) for k, v in (answer.get("headers") or {}).items()]
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers += [(str(name).lower(), str(v)) for v in values]
    headers += [("set-cookie", str(c)) for c in answer.get("cookies") or []]
    for name, value in headers:
        # A CR or LF would let the guest write headers of its own choosing (response
        # splitting): API Gateway refuses such an answer with a 502, and so does serve.
        if not _TOKEN.fullmatch(name) or _CONTROL.search(value):
            return gateway_error(
                502, f"the function answered with an invalid header {name!r}: {value!r}"
            )
    content = answer.get("body")
    if content is None:
        data = b""
    elif answer.get("isBase64Encoded"):
        data = base64.b64decode(str(content))
    else:
        data = (content if isinstance(content, str) else json.dumps(content)).encode()
    if not any(name == "content-type" for name, _ in headers) and data:
        headers.append(("content-type", "application/json"))
    return Response(status, headers, data)


def gateway_error(status: int, message: str) -> Response:
    """API Gateway's own answers: {"message": ...}."""
    body = json.dumps({"message": message}).encode()
    return Response(status, [("content-type", "application/json")], body)
