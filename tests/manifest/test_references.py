"""References to outputs of user_tf/ in manifest values: how "${user_tf.NAME}" is read, and the
HCL it becomes. (What `asml check` says of bad ones: golden/user-tf-*; the HCL of a whole
project: tests/generate/golden/user-tf-references; deployed: tests/deploy.)"""

from __future__ import annotations

import pytest

from asml.generate import hcl
from asml.generate.iam import widen
from asml.generate.references import hcl_value
from asml.manifest.references import BadReference, Output, may_refer, parse


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("${user_tf.table_arn}", (Output("table_arn"),)),
        ("${user_tf.table_arn}/index/*", (Output("table_arn"), "/index/*")),
        ("s3://${user_tf.bucket}/${user_tf.key-prefix}", ("s3://", Output("bucket"), "/",
                                                         Output("key-prefix"))),
        # not references: other ${...} (IAM policy variables), and the escape
        ("arn:aws:s3:::b/${aws:username}/*", ("arn:aws:s3:::b/${aws:username}/*",)),
        ("hi ${name}", ("hi ${name}",)),
        ("$${user_tf.table_arn}", ("${user_tf.table_arn}",)),
        ("a$${user_tf.x}${user_tf.y}", ("a${user_tf.x}", Output("y"))),
        ("${user_tf_x.y}", ("${user_tf_x.y}",)),
        ("", ()),
    ],
)  # fmt: skip
def test_parts(text: str, parts: tuple[object, ...]) -> None:
    assert parse(text) == parts


@pytest.mark.parametrize(
    ("text", "hcl_text"),
    [
        ("${user_tf.table_arn}", "module.user.table_arn"),
        ("${user_tf.table_arn}/index/*", '"${module.user.table_arn}/index/*"'),
        ("plain", '"plain"'),
        # what stays text stays text in Terraform too: ${ is escaped
        ("$${user_tf.table_arn}", '"$${user_tf.table_arn}"'),
        ("x/${aws:username}", '"x/$${aws:username}"'),
        ('say "${user_tf.word}"', '"say \\"${module.user.word}\\""'),
    ],
)
def test_hcl(text: str, hcl_text: str) -> None:
    assert hcl.value(hcl_value(text)) == hcl_text


@pytest.mark.parametrize(
    ("resource", "coordinates", "widened"),
    [
        ("${user_tf.t}", "akkoro.aws.dynamodb", ["module.user.t", '"${module.user.t}/index/*"']),
        ("${user_tf.b}", "akkoro.aws.s3", ["module.user.b", '"${module.user.b}/*"']),
        ("${user_tf.s}", "akkoro.aws.secretsmanager", ["module.user.s"]),
        (
            "arn:aws:dynamodb:*:*:table/${user_tf.t}",
            "",
            [
                '"arn:aws:dynamodb:*:*:table/${module.user.t}"',
                '"arn:aws:dynamodb:*:*:table/${module.user.t}/index/*"',
            ],
        ),
        ("arn:aws:s3:::${user_tf.b}", "", ['"arn:aws:s3:::${module.user.b}"',
                                           '"arn:aws:s3:::${module.user.b}/*"']),
        ("${user_tf.t}/index/*", "akkoro.aws.dynamodb", ['"${module.user.t}/index/*"']),
        ("arn:aws:s3:::${user_tf.b}/in/*", "akkoro.aws.s3",
         ['"arn:aws:s3:::${module.user.b}/in/*"']),
    ],
)  # fmt: skip
def test_widened_like_the_arn_it_stands_for(
    resource: str, coordinates: str, widened: list[str]
) -> None:
    assert [hcl.value(v) for v in widen([resource], coordinates)] == widened


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${user_tf.}", '"${user_tf.}" is not a reference asml can read; write'
         ' "${user_tf.NAME}", where NAME is an output of user_tf/ (letters, digits, _ and -),'
         ' or "$${user_tf." for the text itself'),
        ("${user_tf}", '"${user_tf}" is not a reference'),
        ("${ user_tf.x }", '"${ user_tf.x }" is not a reference'),
        ("a ${user_tf.x", '"${user_tf.x" is not a reference'),
        ("${user_tf.a b}", '"${user_tf.a b}" is not a reference'),
        ("${user_tf.table.arn}", '"${user_tf.table.arn}" names an attribute of an output, but a'
         ' reference names one whole output, "${user_tf.NAME}"; add an output to user_tf/ whose'
         " value is that attribute"),
        ("${module.user.table_arn}/x", '"${module.user.table_arn}" is how net/ names it; in a'
         ' manifest, write "${user_tf.table_arn}"'),
    ],
)  # fmt: skip
def test_a_bad_reference_says_how_to_write_it(text: str, message: str) -> None:
    assert may_refer(text)
    with pytest.raises(BadReference) as raised:
        parse(text)
    assert str(raised.value).startswith(message)


def test_the_escape_and_policy_variables_are_no_references() -> None:
    assert not may_refer("$${user_tf.table_arn}")
    assert not may_refer("arn:aws:s3:::b/${aws:username}")
    assert may_refer("$${user_tf.a}${user_tf.b}")
