"""The error an IOmod call raises to fail with a code the guest can act on."""

from __future__ import annotations

import json

from asml_iomods import protocol


class IomodError(Exception):
    """Fails the current call with ``code`` (see ``iomod.capnp``) and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def bad_input(message: str) -> IomodError:
    return IomodError(protocol.BAD_INPUT, message)


def failure_json(code: str, message: str) -> bytes:
    """The bytes a guest reads for a failed call: ``{"code": ..., "message": ...}``."""
    return json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
