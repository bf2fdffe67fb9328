"""``akkoro.std.http``: HTTP(S) requests for guests, optionally signed with AWS SigV4.

Any answer from the server, 4xx and 5xx included, is a result (``status`` tells); only a
request that cannot be made (bad URL, refused connection, timeout) fails the call.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from asml_iomods import protocol
from asml_iomods.errors import IomodError
from asml_iomods.sdk import Iomod

iomod = Iomod("akkoro.std.http", version="0.1.0", description="HTTP requests, optionally SigV4")

Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class SigV4(BaseModel):
    """Sign the request as the function's role would, for an IAM-authorized AWS endpoint."""

    service: str = Field(min_length=1, description='The signing name, e.g. "execute-api".')
    region: str | None = Field(default=None, description="Default: the function's region.")


class HttpRequest(BaseModel):
    url: str
    method: Method = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = Field(default=None, description="The body as text.")
    body_base64: str | None = Field(default=None, description="The body as base64 bytes.")
    timeout_seconds: float = Field(default=10, gt=0, le=900)
    sigv4: SigV4 | None = None

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http:// or https:// URL")
        return url

    @model_validator(mode="after")
    def _one_body(self) -> HttpRequest:
        if self.body is not None and self.body_base64 is not None:
            raise ValueError("give body or body_base64, not both")
        if self.body_base64 is not None:
            try:
                base64.b64decode(self.body_base64, validate=True)
            except ValueError:
                raise ValueError("body_base64 is not valid base64") from None
        return self

    def payload(self) -> bytes | None:
        if self.body_base64 is not None:
            return base64.b64decode(self.body_base64)
        return self.body.encode() if self.body is not None else None


class HttpResponse(BaseModel):
    status: int
    headers: dict[str, str]
    body: str | None = None  # when the body is UTF-8 text
    body_base64: str | None = None  # otherwise


class _NoRedirectErrors(urllib.request.HTTPErrorProcessor):
    """Hand 4xx/5xx answers back as responses instead of raising."""

    def http_response(self, request, response):  # type: ignore[no-untyped-def]
        return response

    https_response = http_response


_opener = urllib.request.build_opener(_NoRedirectErrors)


def _signed_headers(request: HttpRequest, payload: bytes | None) -> dict[str, str]:
    if request.sigv4 is None:
        return dict(request.headers)
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    session = boto3.Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise IomodError(protocol.DENIED, "no AWS credentials to sign the request with")
    region = request.sigv4.region or session.region_name
    if not region:
        raise IomodError(protocol.BAD_INPUT, "sigv4.region is needed: no default region is set")
    signed = AWSRequest(
        method=request.method, url=request.url, data=payload or b"", headers=request.headers
    )
    SigV4Auth(credentials.get_frozen_credentials(), request.sigv4.service, region).add_auth(signed)
    return dict(signed.headers.items())


@iomod.call()
def request(request: HttpRequest) -> HttpResponse:
    """Make an HTTP request and return the server's answer, whatever its status."""
    payload = request.payload()
    outgoing = urllib.request.Request(
        request.url,
        data=payload,
        headers=_signed_headers(request, payload),
        method=request.method,
    )
    try:
        with _opener.open(outgoing, timeout=request.timeout_seconds) as answer:
            data = answer.read()
            status = answer.status
            headers = {key.lower(): value for key, value in answer.headers.items()}
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise IomodError(protocol.UPSTREAM, f"{request.method} {request.url}: {reason}") from None
    try:
        return HttpResponse(status=status, headers=headers, body=data.decode("utf-8"))
    except UnicodeDecodeError:
        encoded = base64.b64encode(data).decode()
        return HttpResponse(status=status, headers=headers, body_base64=encoded)


if __name__ == "__main__":
    iomod.run()
