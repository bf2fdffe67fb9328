"""Write an IOmod in Python: declare its calls with a decorator, then ``run()`` it.

::

    from pydantic import BaseModel
    from asml_iomods import Iomod, IomodError

    iomod = Iomod("acme.demo.greeter", version="0.1.0")

    class Person(BaseModel):
        name: str

    @iomod.call(actions=["dynamodb:GetItem"])
    def greet(person: Person) -> dict[str, str]:
        return {"greeting": f"hello {person.name}"}

    if __name__ == "__main__":
        iomod.run()

A call takes one argument and returns one value. Its annotations decide the wire format:
``bytes`` passes the guest's bytes through untouched; any other type (a pydantic model, a
dataclass, a TypedDict, ``dict[str, Any]``, ...) is validated from JSON on the way in and
written as JSON on the way out, and bad input fails the call with ``BadInput``. ``actions``
are the IAM actions the call needs: the generator grants exactly those to the functions
that use this IOmod.

Plain functions run in a thread pool, so a slow call never holds up the others; mark quick
ones ``blocking=False`` to run them on the event loop. ``async def`` calls run on the loop.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import sys
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

from pydantic import TypeAdapter, ValidationError

from asml_iomods import protocol
from asml_iomods.errors import IomodError
from asml_iomods.manifest import PYTHON, CallInfo, IomodManifest

log = logging.getLogger("asml.iomod")
Handler = TypeVar("Handler", bound=Callable[..., Any])


@dataclass(frozen=True)
class Call:
    name: str
    function: Callable[[Any], Any]
    input: TypeAdapter[Any] | None  # None: raw bytes
    output: TypeAdapter[Any] | None
    actions: tuple[str, ...]
    blocking: bool
    description: str

    def info(self) -> CallInfo:
        return CallInfo(
            actions=self.actions,
            description=self.description,
            input_schema=self.input.json_schema() if self.input else None,
            output_schema=self.output.json_schema() if self.output else None,
        )

    def decode(self, data: bytes) -> Any:
        if self.input is None:
            return data
        try:
            return self.input.validate_json(data or b"null")
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()
            )
            raise IomodError(protocol.BAD_INPUT, f"{self.name}: {problems}") from None

    def encode(self, value: Any) -> bytes:
        if self.output is None:
            if not isinstance(value, bytes | bytearray):
                raise TypeError(f"{self.name} is declared to return bytes, not {type(value)}")
            return bytes(value)
        return self.output.dump_json(value)


def _adapter(annotation: Any) -> TypeAdapter[Any] | None:
    return None if annotation is bytes else TypeAdapter(annotation)


class Iomod:
    def __init__(self, coordinates: str, *, version: str, description: str = "") -> None:
        if not protocol.COORDINATES.match(coordinates):
            raise ValueError(f"coordinates {coordinates!r} must look like org.namespace.name")
        if not protocol.VERSION.match(version):
            raise ValueError(f"version {version!r} must look like 0.1.0")
        self.coordinates = coordinates
        self.version = version
        self.description = description
        self.calls: dict[str, Call] = {}

    def call(
        self,
        *,
        actions: Sequence[str] = (),
        name: str | None = None,
        blocking: bool = True,
    ) -> Callable[[Handler], Handler]:
        """Declare a call; ``actions`` are the IAM actions it needs."""

        def register(function: Handler) -> Handler:
            call_name = name or function.__name__
            if not protocol.CALL_NAME.match(call_name):
                raise ValueError(f"call name {call_name!r} must be lower_snake_case")
            parameters = list(inspect.signature(function).parameters)
            if len(parameters) != 1:
                raise TypeError(f"{call_name} must take exactly one argument (its input)")
            hints = get_type_hints(function)
            self.calls[call_name] = Call(
                name=call_name,
                function=function,
                input=_adapter(hints.get(parameters[0], Any)),
                output=_adapter(hints.get("return", Any)),
                actions=tuple(actions),
                blocking=blocking and not inspect.iscoroutinefunction(function),
                description=inspect.getdoc(function) or "",
            )
            return function

        return register

    def manifest(self, command: Sequence[str]) -> IomodManifest:
        return IomodManifest(
            coordinates=self.coordinates,
            version=self.version,
            command=tuple(command),
            calls={name: call.info() for name, call in self.calls.items()},
            description=self.description,
        )

    async def invoke(self, name: str, data: bytes) -> bytes:
        """Run one call; raises :class:`IomodError` for every failure the guest should see."""
        call = self.calls.get(name)
        if call is None:
            known = ", ".join(sorted(self.calls)) or "none"
            raise IomodError(
                protocol.UNKNOWN_CALL, f"{self.coordinates} has no call {name!r} (calls: {known})"
            )
        value = call.decode(data)
        try:
            if inspect.iscoroutinefunction(call.function):
                result = await call.function(value)
            elif call.blocking:
                result = await asyncio.to_thread(call.function, value)
            else:
                result = call.function(value)
            return call.encode(result)
        except IomodError:
            raise
        except Exception as error:
            log.error("%s.%s failed:\n%s", self.coordinates, name, traceback.format_exc())
            raise IomodError(protocol.INTERNAL, f"{type(error).__name__}: {error}") from None

    def run(self, argv: Sequence[str] | None = None) -> None:
        """The IOmod's main: ``--describe`` prints its manifest; otherwise it serves the
        runtime named by ``ASML_IOMOD_REGISTRY`` until that runtime goes away."""
        args = list(sys.argv[1:] if argv is None else argv)
        if args[:1] == ["--describe"]:
            command = [PYTHON, *args[1:]] if len(args) > 1 else [PYTHON]
            print(json.dumps(self.manifest(command).to_json(), indent=2, sort_keys=True))
            return
        logging.basicConfig(format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
        address = os.environ.get(protocol.REGISTRY_ENV)
        if not address:
            sys.exit(
                f"{self.coordinates} is an IOmod: the asml runtime starts it and passes"
                f" {protocol.REGISTRY_ENV}. Run `{sys.argv[0]} --describe` to see its calls."
            )
        from asml_iomods.server import serve

        sys.exit(serve([self], address))


Invoke = Callable[[str, bytes], Awaitable[bytes]]
