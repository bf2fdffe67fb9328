"""``akkoro.aws.s3``: objects in S3.

Object bodies travel inside the JSON: ``put_object`` takes ``Body`` (text) or ``BodyBase64``
(bytes), and ``get_object`` answers with ``Body`` when the object is UTF-8 text, else with
``BodyBase64``. Other parameters and results are the API's.
"""

from __future__ import annotations

from typing import Any

from asml_iomods.aws.client import Service, body_bytes, mirror, text_or_base64
from asml_iomods.sdk import Iomod

iomod = Iomod("akkoro.aws.s3", version="0.1.0", description="Amazon S3 objects")
s3 = Service("s3")
mirror(
    iomod,
    s3,
    {
        "head_object": ["s3:GetObject"],
        "delete_object": ["s3:DeleteObject"],
        "list_objects_v2": ["s3:ListBucket"],
        "copy_object": ["s3:GetObject", "s3:PutObject"],
    },
)


@iomod.call(actions=["s3:PutObject"])
def put_object(parameters: dict[str, Any]) -> dict[str, Any]:
    """S3 PutObject, with the body as ``Body`` (text) or ``BodyBase64``."""
    request = dict(parameters)
    request["Body"] = body_bytes(request, "Body") or b""
    return s3.call("put_object", request)


@iomod.call(actions=["s3:GetObject"])
def get_object(parameters: dict[str, Any]) -> dict[str, Any]:
    """S3 GetObject, with the body as ``Body`` (UTF-8 text) or ``BodyBase64``."""
    from asml_iomods.aws.client import checked, strip_metadata

    response = checked(s3.client().get_object, dict(parameters))
    body = response.pop("Body").read()
    return {**strip_metadata(response), **text_or_base64(body, "Body")}


if __name__ == "__main__":
    iomod.run()
