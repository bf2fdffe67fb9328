"""A test IOmod: echoes, sleeps, dies on request, and names its own process."""

import os
import time
from typing import Any

from asml_iomods import Iomod

iomod = Iomod("acme.test.echo", version="0.2.0")


@iomod.call(blocking=False)
def echo(value: Any) -> Any:
    return value


@iomod.call()
def slow(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@iomod.call(blocking=False)
def pid(_: Any) -> int:
    return os.getpid()


@iomod.call(actions=["logs:PutLogEvents"])
def tag(value: str) -> str:
    return f"tagged:{value}"


if __name__ == "__main__":
    iomod.run()
