"""Changes to a process environment that can also remove variables.

The local target must not only add the local AWS's settings but also take the user's real
session token and profile away, so that they never reach a local endpoint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# A value sets the variable; None removes it.
EnvironmentChanges = dict[str, "str | None"]


def changed(base: Mapping[str, str], changes: EnvironmentChanges) -> dict[str, str]:
    """``base`` with ``changes`` applied."""
    result = {**base, **{k: v for k, v in changes.items() if v is not None}}
    for key in [k for k, v in changes.items() if v is None]:
        result.pop(key, None)
    return result


def apply_to_process(changes: EnvironmentChanges) -> None:
    """Apply ``changes`` to this process's own environment."""
    for key, value in changes.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
