"""``akkoro.aws.lambda``: invoke another Lambda function.

``invoke`` takes the API's parameters with ``Payload`` as any JSON value (it is serialised
for you) and answers with ``Payload`` parsed back from JSON when it is JSON, else as text.
"""

from __future__ import annotations

import json
from typing import Any

from asml_iomods.aws.client import Service, checked, strip_metadata, text_or_base64
from asml_iomods.sdk import Iomod

iomod = Iomod("akkoro.aws.lambda", version="0.1.0", description="AWS Lambda invocations")
service = Service("lambda")


@iomod.call(actions=["lambda:InvokeFunction"])
def invoke(parameters: dict[str, Any]) -> dict[str, Any]:
    """Lambda Invoke: ``FunctionName``, ``Payload`` (JSON), optional ``InvocationType``."""
    request = dict(parameters)
    if "Payload" in request:
        request["Payload"] = json.dumps(request["Payload"]).encode()
    response = checked(service.client().invoke, request)
    payload = response.pop("Payload").read()
    result = strip_metadata(response)
    try:
        result["Payload"] = json.loads(payload) if payload else None
    except ValueError:
        result.update(text_or_base64(payload, "Payload"))
    return result


if __name__ == "__main__":
    iomod.run()
