"""What the project's own Terraform in ``user_tf/`` declares: its variables and its outputs.

``net/`` calls the folder as ``module "user"``: asml passes it the inputs it declares as
variables, and manifests may name its outputs (``"${user_tf.table_arn}"``). The folder is
read only when something needs it, with python-hcl2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asml.errors import AsmlError

USER_TF_DIR = "user_tf"


@dataclass(frozen=True)
class UserTerraform:
    variables: frozenset[str]
    outputs: frozenset[str]


class UserTfError(AsmlError):
    """A file of user_tf/ that python-hcl2 cannot read."""

    def __init__(self, file: str, message: str) -> None:
        self.file = file  # relative to the project root
        self.reason = message
        super().__init__(f"{file}: {message}")


def read_user_tf(root: Path) -> UserTerraform | None:
    """What ``user_tf/*.tf`` declares, or None when the project has no user Terraform."""
    directory = root / USER_TF_DIR
    files = sorted(directory.glob("*.tf")) if directory.is_dir() else []
    if not files:
        return None
    import hcl2  # only projects with user Terraform pay for the parser

    variables: set[str] = set()
    outputs: set[str] = set()
    for path in files:
        try:
            parsed = hcl2.loads(path.read_text(encoding="utf-8"))
        except Exception as error:  # the parser raises many types (lark's among them)
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise UserTfError(
                f"{USER_TF_DIR}/{path.name}",
                f"asml cannot read this Terraform ({first_line});"
                " check it with `terraform validate` in user_tf/",
            ) from None
        for block in parsed.get("variable", []):
            variables.update(label.strip('"') for label in block)
        for block in parsed.get("output", []):
            outputs.update(label.strip('"') for label in block)
    return UserTerraform(frozenset(variables), frozenset(outputs))
