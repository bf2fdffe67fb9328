"""Manifest values that name outputs of user_tf/, as the HCL that reads them from the module.

``"${user_tf.table_arn}"`` becomes ``module.user.table_arn``, and
``"${user_tf.table_arn}/index/*"`` the template ``"${module.user.table_arn}/index/*"``; a value
without a reference stays a plain string. The manifest checks have read every reference already.
"""

from __future__ import annotations

from asml.generate.hcl import Expr, template
from asml.manifest.references import Output, Part, parse

USER_MODULE = "module.user"  # net/main.tf calls user_tf/ as module "user"


def expression(output: Output) -> Expr:
    return Expr(f"{USER_MODULE}.{output.name}")


def hcl_value(text: str) -> str | Expr:
    """The value for the HCL: the text itself, one output, or a template of both."""
    return from_parts(parse(text))


def from_parts(parts: tuple[Part, ...]) -> str | Expr:
    if not any(isinstance(part, Output) for part in parts):
        return "".join(part for part in parts if isinstance(part, str))
    if len(parts) == 1:
        assert isinstance(parts[0], Output)
        return expression(parts[0])
    return template(*(expression(p) if isinstance(p, Output) else p for p in parts))
