"""The local AWS of the ``local`` target: that it answers, and the S3 state bucket and lock
table it needs when the project keeps state in S3.

Plain HTTP on purpose: a local AWS such as moto does not check signatures, and the generator
does not depend on an AWS SDK.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from asml.errors import AsmlError

_FAKE_AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/{region}/{service}/aws4_request,"
              " SignedHeaders=host, Signature=0")  # fmt: skip


def check_reachable(endpoint: str) -> None:
    try:
        with urllib.request.urlopen(endpoint, timeout=5):
            pass
    except urllib.error.HTTPError:
        pass  # it answered
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AsmlError(
            f"nothing answers at {endpoint} ({reason}), the [local] endpoint of the local target;"
            f" start a local AWS there, e.g. `MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H"
            f" 127.0.0.1 -p {endpoint.rsplit(':', 1)[-1].strip('/')}` (the managed policies"
            " are those the functions' roles attach), or set [local] endpoint in"
            " assemblylift.toml"
        ) from None


def _request(endpoint: str, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{endpoint.rstrip('/')}{path}", data=body, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def ensure_state_bucket(endpoint: str, bucket: str, region: str) -> None:
    body = b""
    if region != "us-east-1":
        body = (
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<LocationConstraint>{region}</LocationConstraint></CreateBucketConfiguration>"
        ).encode()
    headers = {"Authorization": _FAKE_AUTH.format(region=region, service="s3")}
    status = _request(endpoint, "PUT", f"/{bucket}", body, headers)
    if status not in (200, 409):  # 409: it exists already
        raise AsmlError(f"the local AWS at {endpoint} refused to create bucket {bucket} ({status})")


def ensure_lock_table(endpoint: str, table: str, region: str) -> None:
    body = json.dumps({
        "TableName": table,
        "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }).encode()  # fmt: skip
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.CreateTable",
        "Authorization": _FAKE_AUTH.format(region=region, service="dynamodb"),
    }
    status = _request(endpoint, "POST", "/", body, headers)
    if status not in (200, 400):  # 400: ResourceInUseException, it exists already
        raise AsmlError(f"the local AWS at {endpoint} refused to create table {table} ({status})")
