"""HCL quoting and layout: values as a person would write them, aligned as terraform fmt does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import hcl2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asml.generate import hcl
from asml.generate.hcl import Expr
from tests.terraform import Terraform


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("line\nbreak\ttab", '"line\\nbreak\\ttab"'),
        ("${not.a.reference}", '"$${not.a.reference}"'),
        ("%{ if x }", '"%%{ if x }"'),
        ("$5 and 100%", '"$5 and 100%"'),
        ("ünïcode", '"ünïcode"'),
    ],
)
def test_strings_are_quoted_and_never_interpolated(text: str, quoted: str) -> None:
    assert hcl.string(text) == quoted


def test_templates_escape_the_text_and_interpolate_the_expressions() -> None:
    assert hcl.template(Expr("local.prefix"), '-a"${b}').text == '"${local.prefix}-a\\"$${b}"'


def test_keys_are_bare_only_when_they_can_be() -> None:
    assert hcl.key("api") == "api"
    assert hcl.key("GET /todos") == '"GET /todos"'
    assert hcl.key("api.create") == '"api.create"'
    assert hcl.key("null") == '"null"'
    assert hcl.key("9lives") == '"9lives"'


def test_labels_must_be_identifiers() -> None:
    assert hcl.label("api_create") == '"api_create"'
    with pytest.raises(ValueError, match="not a Terraform identifier"):
        hcl.label("api.create")


def test_values() -> None:
    assert hcl.value(None) == "null"
    assert hcl.value(True) == "true"
    assert hcl.value(512) == "512"
    assert hcl.value([]) == "[]"
    assert hcl.value({}) == "{}"
    assert hcl.value(["a", Expr("var.b")]) == '["a", var.b]'
    assert hcl.value({"a": 1, "b c": [1]}, 1) == '{\n    a = 1\n    "b c" = [1]\n  }'
    long = [f"dynamodb:Action{n}" for n in range(6)]
    assert hcl.value(long).startswith('[\n  "dynamodb:Action0",\n')


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_names = st.builds(
    str.__add__, st.sampled_from(_LOWER), st.text(alphabet=_LOWER + "0123456789_", max_size=12)
)
_scalars = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(-1000, 10**6),
    st.booleans(),
    st.none(),
)
# Text whose characters are each one grapheme cluster: no combining marks, format characters or
# symbols such as emoji and flags, which join into clusters (see hcl.align).
_free_keys = st.text(
    st.characters(exclude_categories=("Cs", "Mn", "Mc", "Me", "Cf", "So")), max_size=8
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_names, _free_keys), inner, max_size=4),
    ),
    max_leaves=12,
)


def _fmt(terraform: Terraform, text: str, scratch: Path) -> str:
    result = subprocess.run(
        [terraform.binary, "fmt", "-no-color", "-"],
        input=text, env=terraform.env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return result.stdout


@settings(max_examples=25, deadline=None, derandomize=True)  # the same cases on every run
@given(attributes=st.dictionaries(_names, _values, min_size=1, max_size=8))
def test_layout_is_what_terraform_fmt_writes_and_hcl2_reads(
    attributes: dict[str, hcl.Value], terraform: Terraform, tmp_path_factory: pytest.TempPathFactory
) -> None:
    body = "\n".join(f"  {name} = {hcl.value(v, 1)}" for name, v in attributes.items())
    text = hcl.align(f'module "m" {{\n  source = "./m"\n\n{body}\n}}\n')
    assert _fmt(terraform, text, tmp_path_factory.mktemp("fmt")) == text
    hcl2.loads(text)
