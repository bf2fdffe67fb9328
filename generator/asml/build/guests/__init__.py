"""Guest builders: one module per language, each turning a function's source into a .wasm."""

from __future__ import annotations

from asml.build.guests.base import BuildFailed, Guest, GuestBuilder
from asml.build.guests.registry import builder_for

__all__ = ["BuildFailed", "Guest", "GuestBuilder", "builder_for"]
