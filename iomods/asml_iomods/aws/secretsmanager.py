"""``akkoro.aws.secretsmanager``: read (and rotate in) secrets."""

from __future__ import annotations

from asml_iomods.aws.client import Service, mirror
from asml_iomods.sdk import Iomod

iomod = Iomod(
    "akkoro.aws.secretsmanager", version="0.1.0", description="AWS Secrets Manager secrets"
)
mirror(
    iomod,
    Service("secretsmanager"),
    {
        "get_secret_value": ["secretsmanager:GetSecretValue"],
        "describe_secret": ["secretsmanager:DescribeSecret"],
        "put_secret_value": ["secretsmanager:PutSecretValue"],
    },
)

if __name__ == "__main__":
    iomod.run()
