"""Resources a stage already has in its AWS account, found by the tags every asml resource
carries (``asml:project``, ``asml:stage``: providers.tf's default_tags).

A stage whose state is empty while such resources exist has lost its state (a deleted folder,
another machine, a changed backend): planning it would try to create everything again, and
the apply would end half-way on names that are taken. asml stops before that happens.
"""

from __future__ import annotations

from dataclasses import dataclass

from asml.terraform.session import stage_client
from asml.terraform.stage import StageContext


@dataclass(frozen=True)
class Lookup:
    arns: list[str]  # the tagged resources found
    failure: str | None = None  # why the lookup could not be made, if it could not


def tagged_resources(project: str, context: StageContext) -> Lookup:
    """Every resource in the stage's region tagged with this project and stage, through the
    Resource Groups Tagging API (it covers Lambda functions, log groups, HTTP APIs, layers)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = stage_client(context, "resourcegroupstaggingapi")
    filters = [
        {"Key": "asml:project", "Values": [project]},
        {"Key": "asml:stage", "Values": [context.tag_value]},
    ]
    arns: list[str] = []
    try:
        for page in client.get_paginator("get_resources").paginate(TagFilters=filters):
            arns += [entry["ResourceARN"] for entry in page.get("ResourceTagMappingList", [])]
    except (BotoCoreError, ClientError) as error:
        return Lookup(sorted(arns), str(error))
    return Lookup(sorted(arns))
