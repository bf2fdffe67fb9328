"""The runtime in process: events in, responses out, and every way a guest can fail."""

from __future__ import annotations

import gc
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asml_runtime.errors import AbiViolation, GuestFailure, GuestTimeout, GuestTrap
from asml_runtime.function import Function
from tests.runtime.conftest import AVAILABLE_ENGINES, ENGINES

each_engine = pytest.mark.parametrize("engine", ENGINES)


def load(guests: Path, name: str, engine: str, **options: int) -> Function:
    return Function(guests / f"{name}-{engine}", **options)  # type: ignore[arg-type]


@each_engine
def test_the_event_arrives_whole_and_the_instance_is_reused(guests: Path, engine: str) -> None:
    function = load(guests, "echo", engine)
    event = b'{"rawPath":"/todos/1","body":"' + b"x" * 5000 + b'"}'
    assert function.invoke(event) == event
    instance = function._instance
    assert function.invoke(b"{}") == b"{}"
    assert function._instance is instance


@each_engine
def test_a_trap_fails_the_event_with_a_backtrace(
    guests: Path, engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    function = load(guests, "trap", engine)
    started = time.monotonic()
    with pytest.raises(GuestTrap, match="unreachable") as trap:
        function.invoke(b"{}", timeout=30)
    assert time.monotonic() - started < 1, "a trap must fail at once, not at the timeout"
    assert trap.value.backtrace
    assert "guest backtrace" in caplog.text
    if engine == "wasmtime":  # wasmer-python's traps carry no frames
        assert "validate_order" in trap.value.backtrace
        assert "create_order" in trap.value.backtrace


@each_engine
def test_a_reported_failure_carries_the_guests_message(guests: Path, engine: str) -> None:
    function = load(guests, "fail", engine)
    with pytest.raises(GuestFailure, match=r"^order 42 does not exist$"):
        function.invoke(b"{}")
    assert function._instance is None, "a failed instance is never reused"
    with pytest.raises(GuestFailure):
        function.invoke(b"{}")


@each_engine
def test_wasi_output_reaches_the_log(
    guests: Path, engine: str, capfd: pytest.CaptureFixture[str]
) -> None:
    assert load(guests, "wasi", engine).invoke(b"{}") == b'"printed"'
    out, err = capfd.readouterr()
    assert "hello from wasi stdout" in out
    assert "hello from wasi stderr" in err


@each_engine
def test_memory_is_capped_on_wasmtime_only(guests: Path, engine: str) -> None:
    capped = load(guests, "grow", engine, memory_limit=64 << 20)
    if engine == "wasmtime":
        with pytest.raises(GuestFailure, match="out of memory"):
            capped.invoke(b"{}")
    else:  # wasmer has no memory limit: Lambda's memory size is the limit
        assert capped.invoke(b"{}") == b'"grew"'
    assert load(guests, "grow", engine).invoke(b"{}") == b'"grew"'


def test_a_runaway_guest_is_stopped_at_its_deadline(guests: Path) -> None:
    # wasmtime only: wasmer cannot interrupt a guest, so Lambda's own timeout stops it there
    # (tests/runtime/test_lambda.py shows that).
    function = load(guests, "spin", "wasmtime")
    started = time.monotonic()
    with pytest.raises(GuestTimeout, match="deadline"):
        function.invoke(b"{}", timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 1.5
    echo = load(guests, "echo", "wasmtime")
    assert echo.invoke(b"{}", timeout=0.2) == b"{}"


def abi_event(op: int, *args: int) -> bytes:
    return struct.pack("<5i", op, *(list(args) + [0] * 4)[:4])


PAGE = 65536  # the abi guest's memory: one page
SUCCESS_TWICE, FAILURE, LOG, INVOKE, NO_REPORT = 0, 1, 2, 3, 9


def _inside(pointer: int, length: int) -> bool:
    return pointer >= 0 and length >= 0 and pointer + length <= PAGE


def expected_outcome(op: int, a: int, b: int, c: int, d: int) -> set[str]:
    """What the abi guest's event must end in (see guests/abi.wat)."""
    if op in (SUCCESS_TWICE, FAILURE, LOG) and not _inside(a, b):
        return {"outside"}
    if op == INVOKE and not (_inside(a, b) and _inside(c, d)):
        return {"outside"}
    return {
        SUCCESS_TWICE: {"already reported"},
        FAILURE: {"failure"},
        INVOKE: {"ok", "not UTF-8"},  # the call name is whatever bytes lie there
        NO_REPORT: {"no report"},
    }.get(op, {"ok"})


def outcome(function: Function, event: bytes) -> str:
    try:
        response = function.invoke(event)
    except AbiViolation as violation:
        for marker, name in [
            ("outside the guest's 65536-byte memory", "outside"),
            ("already reported", "already reported"),
            ("without calling asml.success", "no report"),
            ("not UTF-8", "not UTF-8"),
        ]:
            if marker in str(violation):
                return name
        raise
    except GuestFailure:
        return "failure"
    assert response == b'"ok"'
    return "ok"


@pytest.fixture(scope="module")
def abi_functions(guests: Path) -> Iterator[dict[str, Function]]:
    """One loaded abi guest per engine for all examples: loading is the slow part."""
    loaded = {engine: load(guests, "abi", engine) for engine in AVAILABLE_ENGINES}
    yield loaded
    loaded.clear()
    gc.collect()  # drop the engines' objects while the engines can still free them


edges = st.sampled_from([0, 1, 16, PAGE - 4, PAGE - 1, PAGE, PAGE + 1, 2**31 - 1, -1, -(2**31)])
i32 = st.one_of(edges, st.integers(-(2**31), 2**31 - 1), st.integers(0, 2 * PAGE))


@each_engine
@settings(max_examples=200, deadline=None)
@given(op=st.integers(-1, 10), args=st.lists(i32, min_size=4, max_size=4))
def test_the_abi_boundary_survives_any_arguments(
    abi_functions: dict[str, Function], engine: str, op: int, args: list[int]
) -> None:
    function = abi_functions[engine]
    assert outcome(function, abi_event(op, *args)) in expected_outcome(op, *args)
    # The host and the next event are unaffected.
    assert outcome(function, abi_event(8)) == "ok"


@each_engine
@pytest.mark.parametrize(
    ("event", "message"),
    [
        (abi_event(SUCCESS_TWICE, 16, 4), "asml.success: the event already reported its result"),
        (abi_event(NO_REPORT), "the handler returned 0 without calling asml.success"),
        (abi_event(LOG, PAGE - 2, 4, 1), "asml.log: the range [65534, 65538) is outside"),
        (abi_event(INVOKE, 16, -1, 0, 0), "asml.iomod_invoke call: the range [16, 15) is outside"),
    ],
)
def test_abi_violations_say_what_the_guest_did(
    guests: Path, engine: str, event: bytes, message: str
) -> None:
    with pytest.raises(AbiViolation) as violation:
        load(guests, "abi", engine).invoke(event)
    assert str(violation.value).startswith(message)
