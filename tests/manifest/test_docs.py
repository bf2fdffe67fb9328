"""docs/manifest.md documents every key the manifests accept."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from asml.manifest import model, triggers

DOC = (Path(__file__).parents[2] / "docs" / "manifest.md").read_text()
MODELS = [
    value
    for module in (model, triggers)
    for value in vars(module).values()
    if isinstance(value, type)
    and issubclass(value, BaseModel)
    and value.__module__ == module.__name__
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_key_is_documented(cls: type[BaseModel]) -> None:
    missing = [
        name for name in cls.model_fields if f"{name} =" not in DOC and f"[{name}" not in DOC
    ]
    assert not missing, f"docs/manifest.md does not show {missing} of {cls.__name__}"
