"""The user's own Terraform in ``user_tf/``, wired into ``net/`` as ``module "user"``.

asml offers a few inputs (the stage, the region, the resource prefix, the functions and the
endpoints) and passes those the folder declares as variables, so that user Terraform can name
its resources like asml's and attach things to asml's functions.
"""

from __future__ import annotations

from pathlib import Path

from asml.generate.resolve import GenerateError

USER_TF_DIR = "user_tf"
OFFERED = ("project", "stage", "region", "resource_prefix", "functions", "endpoints")


def declared_variables(root: Path) -> frozenset[str] | None:
    """The variables ``user_tf/*.tf`` declares, or None when there is no user Terraform."""
    directory = root / USER_TF_DIR
    files = sorted(directory.glob("*.tf")) if directory.is_dir() else []
    if not files:
        return None
    import hcl2  # only projects with user Terraform pay for the parser

    names: set[str] = set()
    for path in files:
        try:
            parsed = hcl2.loads(path.read_text(encoding="utf-8"))
        except Exception as error:  # the parser raises many types (lark's among them)
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise GenerateError(
                f"{USER_TF_DIR}/{path.name}: asml cannot read this Terraform ({first_line});"
                " check it with `terraform validate` in user_tf/"
            ) from None
        for block in parsed.get("variable", []):
            names.update(label.strip('"') for label in block)
    return frozenset(names)
