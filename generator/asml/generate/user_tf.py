"""The user's own Terraform in ``user_tf/``, wired into ``net/`` as ``module "user"``.

asml offers a few inputs (the stage, the region, the resource prefix, the functions and the
endpoints) and passes those the folder declares as variables, so that user Terraform can name
its resources like asml's and attach things to asml's functions. Manifests name its outputs as
``${user_tf.NAME}`` (:mod:`asml.manifest.references`), which ``net/`` reads from the module.
"""

from __future__ import annotations

from pathlib import Path

from asml.generate.resolve import GenerateError
from asml.manifest.user_tf import UserTfError, read_user_tf

OFFERED = ("project", "stage", "region", "resource_prefix", "functions", "endpoints")


def declared_variables(root: Path) -> frozenset[str] | None:
    """The variables ``user_tf/*.tf`` declares, or None when there is no user Terraform."""
    try:
        found = read_user_tf(root)
    except UserTfError as error:
        raise GenerateError(str(error)) from None
    return None if found is None else found.variables
