"""The runtime's logging, imported only when something is logged.

``import logging`` (with traceback, threading, string, weakref ...) costs about 4 ms of every
cold start, and a healthy function logs nothing at init. So the runtime asks :func:`logger`
for a logger at the moment it logs, and compares levels as plain numbers before that.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import logging

DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40
LEVEL_ENV = "ASML_LOG_LEVEL"
# The names logging itself accepts.
_NAMES = {"NOTSET": 0, "DEBUG": DEBUG, "INFO": INFO, "WARN": WARNING, "WARNING": WARNING,
          "ERROR": ERROR, "FATAL": 50, "CRITICAL": 50}  # fmt: skip
_setup_pending = False


def level() -> int:
    """The runtime's level, from ``ASML_LOG_LEVEL`` (``INFO`` by default)."""
    return _NAMES.get(os.environ.get(LEVEL_ENV, "INFO").upper(), INFO)


def set_up_on_first_use() -> None:
    """Have the first :func:`logger` call set the ``asml`` level and, outside Lambda's own
    runtime (which configures logging itself), a plain handler."""
    global _setup_pending
    _setup_pending = True


def logger(name: str) -> logging.Logger:
    import logging

    global _setup_pending
    if _setup_pending:
        _setup_pending = False
        logging.getLogger("asml").setLevel(level())
        if not logging.getLogger().handlers:
            logging.basicConfig(format="%(levelname)s %(name)s %(message)s")
    return logging.getLogger(name)
