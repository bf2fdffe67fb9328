"""``akkoro.aws.dynamodb``: the DynamoDB API, item and query operations.

Items use DynamoDB's typed JSON, as the API does: ``{"id": {"S": "42"}, "n": {"N": "7"}}``.
"""

from __future__ import annotations

from asml_iomods.aws.client import Service, mirror
from asml_iomods.sdk import Iomod

iomod = Iomod("akkoro.aws.dynamodb", version="0.1.0", description="Amazon DynamoDB items")
mirror(
    iomod,
    Service("dynamodb"),
    {
        "get_item": ["dynamodb:GetItem"],
        "put_item": ["dynamodb:PutItem"],
        "update_item": ["dynamodb:UpdateItem"],
        "delete_item": ["dynamodb:DeleteItem"],
        "query": ["dynamodb:Query"],
        "scan": ["dynamodb:Scan"],
        "batch_get_item": ["dynamodb:BatchGetItem"],
        "batch_write_item": ["dynamodb:BatchWriteItem"],
        "transact_get_items": ["dynamodb:GetItem"],
        "transact_write_items": [
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ],
    },
)

if __name__ == "__main__":
    iomod.run()
