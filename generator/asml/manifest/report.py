"""Collects problems while a project is loaded and checked, in the user's key paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from asml.manifest.assemblylift.normalized import Normalized
from asml.manifest.problems import KeyPath, Problem, Severity


@dataclass
class FileReport:
    """Problems in one file. Paths given in asml's native shape are mapped back to the user's."""

    file: str
    sink: list[Problem]
    normalized: Normalized | None = None

    def _where(self, path: KeyPath) -> tuple[str, KeyPath]:
        if self.normalized is None:
            return self.file, path
        return self.normalized.written_elsewhere(path) or (
            self.file,
            self.normalized.original_path(path),
        )

    def add(self, path: KeyPath, message: str, severity: Severity) -> None:
        """A problem at ``path`` in the native shape; once, if two services share its key."""
        problem = Problem(*self._where(path), message, severity)
        if problem not in self.sink:
            self.sink.append(problem)

    def add_found(self, path: KeyPath, message: str, severity: Severity) -> None:
        """A problem normalising found, already at the user's ``path`` in this file (unless
        the key was read from another one)."""
        found = self.normalized.written_elsewhere(path) if self.normalized else None
        problem = Problem(*(found or (self.file, path)), message, severity)
        if problem not in self.sink:
            self.sink.append(problem)

    def error(self, path: KeyPath, message: str) -> None:
        self.add(path, message, Severity.ERROR)

    def warning(self, path: KeyPath, message: str) -> None:
        self.add(path, message, Severity.WARNING)

    def note(self, path: KeyPath, message: str) -> None:
        self.add(path, message, Severity.NOTE)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def file(self, name: str, normalized: Normalized | None = None) -> FileReport:
        return FileReport(name, self.problems, normalized)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)
