"""A boto3 session for a stage: the credentials and region Terraform gets for it, and for the
local target its endpoint, and nothing of the user's own profile that the stage removed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from asml.environment import changed
from asml.terraform.stage import StageContext

if TYPE_CHECKING:
    import boto3


def stage_session(context: StageContext) -> boto3.session.Session:
    import boto3  # only commands that call AWS themselves pay for the import
    import botocore.session

    environment = changed(os.environ, context.environment())
    # botocore reads AWS_PROFILE from this process's environment on its own; when the stage's
    # environment removed it (the local target does), the session must not see it either.
    no_profile = {"profile": (None, None, None, None)}
    core = botocore.session.Session(None if environment.get("AWS_PROFILE") else no_profile)
    return boto3.session.Session(
        aws_access_key_id=environment.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=environment.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=environment.get("AWS_SESSION_TOKEN"),
        profile_name=environment.get("AWS_PROFILE") or None,
        region_name=context.region,
        botocore_session=core,
    )


def stage_client(context: StageContext, service: str, **config: Any) -> Any:
    """A client of ``service`` for the stage, with quick timeouts (``config`` adds to them)."""
    from botocore.config import Config

    settings: dict[str, Any] = {"connect_timeout": 5, "read_timeout": 30,
                                "retries": {"max_attempts": 2}} | config  # fmt: skip
    quick = Config(**settings)
    return stage_session(context).client(service, endpoint_url=context.endpoint, config=quick)
