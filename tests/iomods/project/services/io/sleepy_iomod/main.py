"""A test IOmod that takes a second to start, like one that loads a lot."""

import time

from asml_iomods import Iomod

time.sleep(1.0)
iomod = Iomod("acme.test.sleepy", version="1.0.0")


@iomod.call(blocking=False)
def hello(name: str) -> str:
    return f"hello {name}"


if __name__ == "__main__":
    iomod.run()
