"""A listening Unix socket that accepts only one process tree, by the kernel's word.

The IOmod host gives each IOmod a socket of its own; IOmods run as the same user and can find
each other's sockets, so the socket itself checks who connects (``SO_PEERCRED``, Linux): the
process the host started, or one of its descendants (an IOmod's command may be a wrapper).
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Callable
from typing import Any

log = logging.getLogger("asml.iomods")

_PEERCRED = getattr(socket, "SO_PEERCRED", None)  # Linux; elsewhere the check is skipped


def peer_pid(connection: socket.socket) -> int | None:
    if _PEERCRED is None:
        return None
    credentials = connection.getsockopt(socket.SOL_SOCKET, _PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", credentials)[0])


def descends_from(pid: int, ancestor: int) -> bool:
    """Whether ``pid`` is ``ancestor`` or one of its descendants."""
    for _ in range(32):
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                # pid (comm) state ppid ...; comm may hold spaces and parentheses
                pid = int(stat.read().rpartition(b")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


class OwnedSocket(socket.socket):
    """asyncio accepts through :meth:`accept`, so a connection from any other process is
    closed before the protocol ever sees it. ``owner()`` is the pid allowed now (None: none)."""

    def __init__(self, owner: Callable[[], int | None], name: str) -> None:
        super().__init__(socket.AF_UNIX, socket.SOCK_STREAM)
        self.owner = owner
        self.name = name

    def accept(self) -> tuple[socket.socket, Any]:
        connection, address = super().accept()
        pid = peer_pid(connection)
        owner = self.owner()
        if pid is not None and (owner is None or not descends_from(pid, owner)):
            connection.close()
            log.error(
                "refused a connection to the socket of IOmod %s from process %s, which is not"
                " that IOmod", self.name, pid,
            )  # fmt: skip
            raise ConnectionAbortedError  # asyncio drops it and keeps listening
        return connection, address
