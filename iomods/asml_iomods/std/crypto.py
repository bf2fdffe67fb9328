"""``akkoro.std.crypto``: identifiers, random bytes, hashes and HMACs, computed outside the
guest (a guest has no entropy of its own)."""

from __future__ import annotations

import base64
import hashlib
import hmac as hmac_module
import secrets
import uuid
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from asml_iomods.sdk import Iomod

iomod = Iomod(
    "akkoro.std.crypto", version="0.1.0", description="UUIDs, random bytes, hashes, HMACs"
)

Algorithm = Literal["sha256", "sha384", "sha512", "sha1", "md5", "blake2b", "sha3_256"]


def _one_of_text_or_base64(text: str | None, encoded: str | None, name: str) -> None:
    if (text is None) == (encoded is None):
        raise ValueError(f"give exactly one of {name} and {name}_base64")
    if encoded is not None:
        try:
            base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ValueError(f"{name}_base64 is not valid base64") from None


def _bytes(text: str | None, encoded: str | None) -> bytes:
    return text.encode() if text is not None else base64.b64decode(encoded or "")


class Nothing(BaseModel):
    pass


class Uuid(BaseModel):
    uuid: str


class RandomRequest(BaseModel):
    length: int = Field(ge=1, le=65536, description="How many bytes.")


class Encoded(BaseModel):
    base64: str


class Payload(BaseModel):
    """Bytes to work on: ``data`` as UTF-8 text or ``data_base64``."""

    data: str | None = None
    data_base64: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Payload:
        _one_of_text_or_base64(self.data, self.data_base64, "data")
        return self

    def raw(self) -> bytes:
        return _bytes(self.data, self.data_base64)


class HashRequest(Payload):
    algorithm: Algorithm = "sha256"


class HmacRequest(HashRequest):
    key: str | None = None
    key_base64: str | None = None

    @model_validator(mode="after")
    def _one_key(self) -> HmacRequest:
        _one_of_text_or_base64(self.key, self.key_base64, "key")
        return self

    def key_bytes(self) -> bytes:
        return _bytes(self.key, self.key_base64)


class Digest(BaseModel):
    hex: str
    base64: str


def _digest(value: bytes) -> Digest:
    return Digest(hex=value.hex(), base64=base64.b64encode(value).decode())


@iomod.call(blocking=False)
def uuid4(_: Nothing | None) -> Uuid:
    """A random (version 4) UUID."""
    return Uuid(uuid=str(uuid.uuid4()))


@iomod.call(blocking=False)
def random_bytes(request: RandomRequest) -> Encoded:
    """Cryptographically secure random bytes, base64-encoded."""
    return Encoded(base64=base64.b64encode(secrets.token_bytes(request.length)).decode())


@iomod.call(blocking=False, name="hash")
def hash_(request: HashRequest) -> Digest:
    """A digest of the data."""
    return _digest(hashlib.new(request.algorithm, request.raw()).digest())


@iomod.call(blocking=False)
def hmac(request: HmacRequest) -> Digest:
    """An HMAC of the data under the key."""
    return _digest(hmac_module.new(request.key_bytes(), request.raw(), request.algorithm).digest())


if __name__ == "__main__":
    iomod.run()
