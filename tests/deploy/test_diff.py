"""What a reviewer is told about an update, from the JSON plan format's resource changes:
sensitive values never shown, bookkeeping left out, replacements named."""

from __future__ import annotations

import json
from typing import Any

from asml.terraform.diff import changes_by_address

ADDRESS = "module.api_hello.aws_lambda_function.this"


def _shown(change: dict[str, Any], configured: list[str]) -> dict[str, Any]:
    resource = {"address": "aws_lambda_function.this",
                "expressions": {key: {} for key in configured}}  # fmt: skip
    return {
        "resource_changes": [{"address": ADDRESS, "change": {"actions": ["update"], **change}}],
        "configuration": {"root_module": {"module_calls": {
            "api_hello": {"module": {"resources": [resource]}},
        }}},
    }  # fmt: skip


def _texts(shown: dict[str, Any]) -> list[str]:
    return [item.text() for item in changes_by_address(shown)[ADDRESS]]


def test_sensitive_values_and_environment_values_are_never_shown() -> None:
    shown = _shown({
        "before": {"token": "old-secret", "environment": [{"variables": {"A": "1", "B": "x"}}]},
        "after": {"token": "new-secret", "environment": [{"variables": {"A": "2", "B": "x"}}]},
        "before_sensitive": {"token": True}, "after_sensitive": {},
        "after_unknown": {},
    }, ["token", "environment"])  # fmt: skip
    assert _texts(shown) == ["environment.variables.A: (changed)", "token: (changed)"]


def test_a_value_sensitive_only_after_the_change_is_hidden_too() -> None:
    shown = _shown({"before": {"key": "a"}, "after": {"key": "b"}, "before_sensitive": {},
                    "after_sensitive": {"key": True}, "after_unknown": {}}, ["key"])  # fmt: skip
    assert _texts(shown) == ["key: (changed)"]


def test_unknowns_the_configuration_does_not_set_are_left_out() -> None:
    shown = _shown({
        "before": {"memory_size": 256, "last_modified": "2026-01-01", "layers": ["arn:1"]},
        "after": {"memory_size": 512},
        "after_unknown": {"last_modified": True, "layers": True},
    }, ["memory_size", "layers"])  # fmt: skip
    assert _texts(shown) == ['layers: ["arn:1"] -> (known after apply)',
                             "memory_size: 256 -> 512"]  # fmt: skip


def test_an_attribute_that_forces_replacement_says_so() -> None:
    shown = _shown({"before": {"name": "a", "tags": {"x": "1"}},
                    "after": {"name": "b", "tags": {"x": "1"}},
                    "after_unknown": {}, "replace_paths": [["name"]]}, ["name"])  # fmt: skip
    shown["resource_changes"][0]["change"]["actions"] = ["delete", "create"]
    assert _texts(shown) == ['name: "a" -> "b" (forces replacement)']


def test_map_keys_that_are_not_identifiers_are_quoted() -> None:
    shown = _shown({"before": {"tags": {"asml:stage": "dev"}},
                    "after": {"tags": {"asml:stage": "prod"}}, "after_unknown": {}},
                   ["tags"])  # fmt: skip
    assert _texts(shown) == ['tags["asml:stage"]: "dev" -> "prod"']


def test_long_values_are_shortened() -> None:
    shown = _shown({"before": {"policy": "x" * 100}, "after": {"policy": "y" * 100},
                    "after_unknown": {}}, ["policy"])  # fmt: skip
    assert _texts(shown) == [f'policy: "{"x" * 56}... -> "{"y" * 56}...']


def test_a_first_environment_variable_is_not_shown() -> None:
    # the block list grows from none to one: its shape changes, its values stay hidden
    shown = _shown({"before": {"environment": []},
                    "after": {"environment": [{"variables": {"API_KEY": "sk-live-123"}}]},
                    "after_unknown": {}}, ["environment"])  # fmt: skip
    assert _texts(shown) == ["environment: (changed)"]


def test_environment_values_known_only_after_apply_are_not_shown() -> None:
    shown = _shown({"before": {"environment": [{"variables": {"API_KEY": "sk-live-123"}}]},
                    "after": {"environment": [{}]},
                    "after_unknown": {"environment": [{"variables": True}]}},
                   ["environment"])  # fmt: skip
    assert _texts(shown) == ["environment.variables: (changed)"]
    assert "sk-live" not in json.dumps([i.to_json() for i in changes_by_address(shown)[ADDRESS]])


def test_a_list_with_one_sensitive_item_is_hidden_whole() -> None:
    shown = _shown({"before": {"keys": ["a", "old-secret"]}, "after": {"keys": ["a", "b", "c"]},
                    "before_sensitive": {"keys": [False, True]}, "after_sensitive": {},
                    "after_unknown": {}}, ["keys"])  # fmt: skip
    assert _texts(shown) == ["keys: (changed)"]
