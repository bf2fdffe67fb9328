"""Names of the cloud resources asml creates, defined once.

Lambda and IAM limit names to 64 characters; :mod:`asml.manifest.checks` validates every
name these functions can produce, so that a deploy never fails on a name.
"""

from __future__ import annotations


def resource_prefix(project: str, stage: str | None = None) -> str:
    """``asml-<project>`` or, for a named stage, ``asml-<project>-<stage>``."""
    return f"asml-{project}-{stage}" if stage else f"asml-{project}"


def service_resource_name(project: str, service: str, name: str, stage: str | None = None) -> str:
    """Name of what a service's entry makes (a function, a queue, a rule, a bucket):
    ``asml-<project>[-<stage>]-<svc>-<name>``."""
    return f"{resource_prefix(project, stage)}-{service}-{name}"


def lambda_name(project: str, service: str, function: str, stage: str | None = None) -> str:
    """Name of the Lambda function and its role: ``asml-<project>[-<stage>]-<svc>-<fn>``."""
    return service_resource_name(project, service, function, stage)
