"""What the AWS IOmods share: one boto3 client per service, calls with errors mapped to
failure codes, and responses made JSON-safe."""

from __future__ import annotations

import base64
import datetime
import decimal
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from asml_iomods import protocol
from asml_iomods.errors import IomodError
from asml_iomods.sdk import Iomod

# Errors keep their AWS code (ConditionalCheckFailedException, NoSuchKey, ...), except the
# bare HTTP statuses of body-less responses (HeadObject), which become NotFound.
GENERIC_NOT_FOUND = {"404", "NotFound"}


class Service:
    """A lazily made, thread-safe boto3 client (making one costs ~50 ms, so only once)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._client: Any = None
        self._lock = threading.Lock()

    def endpoint(self) -> str | None:
        variable = f"AWS_ENDPOINT_URL_{self.name.upper()}"
        return os.environ.get(variable) or os.environ.get("AWS_ENDPOINT_URL") or None

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                endpoint = self.endpoint()
                config = Config(
                    retries={"mode": "standard", "max_attempts": 3},
                    connect_timeout=5,
                    read_timeout=30,
                    # Local endpoints (127.0.0.1:port) have no bucket subdomains.
                    s3={"addressing_style": "path"} if endpoint else None,
                )
                self._client = boto3.client(self.name, endpoint_url=endpoint, config=config)
            return self._client

    def call(self, operation: str, parameters: dict[str, Any]) -> dict[str, Any]:
        method: Callable[..., dict[str, Any]] = getattr(self.client(), operation)
        return strip_metadata(checked(method, parameters))


def mirror(iomod: Iomod, service: Service, operations: Mapping[str, Sequence[str]]) -> None:
    """Declare one call per API operation that passes its parameters straight to boto3."""
    for operation, actions in operations.items():
        iomod.call(actions=actions, name=operation)(_forwarder(service, operation))


def _forwarder(service: Service, operation: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def forward(parameters: dict[str, Any]) -> dict[str, Any]:
        return service.call(operation, dict(parameters))

    pascal = "".join(part.title() for part in operation.split("_"))
    forward.__doc__ = f"{service.name} {pascal}: the API's parameters in, its response out."
    return forward


def checked(method: Callable[..., dict[str, Any]], parameters: dict[str, Any]) -> dict[str, Any]:
    """Call ``method(**parameters)``, turning boto's errors into :class:`IomodError`."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        ParamValidationError,
    )

    try:
        return method(**parameters)
    except ParamValidationError as error:
        raise IomodError(protocol.BAD_INPUT, str(error).replace("\n", " ")) from None
    except NoCredentialsError as error:
        raise IomodError(protocol.DENIED, str(error)) from None
    except ClientError as error:
        details = error.response.get("Error", {})
        code = str(details.get("Code") or protocol.UPSTREAM)
        message = str(details.get("Message") or error)
        if code in GENERIC_NOT_FOUND:
            code, message = protocol.NOT_FOUND, "not found"
        raise IomodError(code, message) from None
    except BotoCoreError as error:
        raise IomodError(protocol.UPSTREAM, str(error)) from None


def strip_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in response.items() if key != "ResponseMetadata"}


def jsonable(value: Any) -> Any:
    """boto3's types as JSON: bytes -> base64, datetimes -> ISO 8601, Decimals -> numbers."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def text_or_base64(data: bytes, name: str) -> dict[str, str]:
    """``{name: text}`` when the bytes are UTF-8, else ``{name + "Base64": ...}``."""
    try:
        return {name: data.decode("utf-8")}
    except UnicodeDecodeError:
        return {f"{name}Base64": base64.b64encode(data).decode()}


def body_bytes(parameters: dict[str, Any], name: str) -> bytes | None:
    """Takes ``name`` (text) or ``name + "Base64"`` out of ``parameters`` as bytes."""
    text = parameters.pop(name, None)
    encoded = parameters.pop(f"{name}Base64", None)
    if text is not None and encoded is not None:
        raise IomodError(protocol.BAD_INPUT, f"give {name} or {name}Base64, not both")
    if encoded is not None:
        try:
            return base64.b64decode(encoded, validate=True)
        except (ValueError, TypeError):
            raise IomodError(protocol.BAD_INPUT, f"{name}Base64 is not valid base64") from None
    if text is not None and not isinstance(text, str):
        raise IomodError(protocol.BAD_INPUT, f"{name} must be text (use {name}Base64 for bytes)")
    return text.encode() if text is not None else None
