"""Collects problems while a project is loaded and checked, in the user's key paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from asml.manifest.legacy import Normalized
from asml.manifest.problems import KeyPath, Problem, Severity


@dataclass
class FileReport:
    """Problems in one file. Paths given in asml's native shape are mapped back to the user's."""

    file: str
    sink: list[Problem]
    normalized: Normalized | None = None

    def _where(self, path: KeyPath) -> KeyPath:
        return self.normalized.original_path(path) if self.normalized else path

    def error(self, path: KeyPath, message: str) -> None:
        self.sink.append(Problem(self.file, self._where(path), message))

    def warning(self, path: KeyPath, message: str) -> None:
        self.sink.append(Problem(self.file, self._where(path), message, Severity.WARNING))


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def file(self, name: str, normalized: Normalized | None = None) -> FileReport:
        return FileReport(name, self.problems, normalized)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)
