"""The manifests as typed, validated data: ``assemblylift.toml`` and ``service.toml``.

These models check the shape of each file: types, ranges, allowed values, unknown keys.
Rules that relate several keys or files (references, route clashes, name lengths) live in
:mod:`asml.manifest.checks`, where they can name the exact key that is wrong.
The field descriptions are user documentation: ``asml schema`` publishes them to editors.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from asml.manifest import vocabulary as v
from asml.manifest.triggers import AsyncInvoke, Bucket, Queue, Schedule

NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"
STAGE_PATTERN = r"^[a-z][a-z0-9]*$"
ENV_KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
HANDLER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$"
COORDINATES_PATTERN = r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){0,2}$"
IAM_ACTION_PATTERN = r"^[a-z0-9-]+:[A-Za-z0-9*]+$"

Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=64)]
# An IOmod a function uses: its name in the service ("table": every call), or one call of it
# ("table.get_item": that call only, and only its IAM actions).
IOMOD_USE_PATTERN = r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_]*)?$"
IomodUse = Annotated[str, Field(pattern=IOMOD_USE_PATTERN, max_length=129)]
StageName = Annotated[str, Field(pattern=STAGE_PATTERN, max_length=16)]
EnvKey = Annotated[str, Field(pattern=ENV_KEY_PATTERN)]
Region = Annotated[str, Field(pattern=REGION_PATTERN, description="An AWS region, e.g. us-east-1.")]

_PATH_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$")


class _Strict(BaseModel):
    """Unknown keys are errors, and values are never coerced between TOML types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def check_http_path(path: str) -> str:
    """Validate an API Gateway route path; the message says what to write instead."""
    if not path.startswith("/"):
        raise ValueError(f'"{path}" must start with "/"; write "/{path}"')
    if path == "/":
        return path
    if path.endswith("/"):
        raise ValueError(f'"{path}" must not end with "/"; write "{path.rstrip("/")}"')
    segments = path[1:].split("/")
    for index, segment in enumerate(segments):
        if not _PATH_SEGMENT.match(segment):
            raise ValueError(
                f'"{path}" has an invalid segment "{segment}": use letters, digits and -._~ '
                'or a parameter such as "{id}"'
            )
        if segment.endswith("+}") and index != len(segments) - 1:
            raise ValueError(f'"{path}": the greedy parameter "{segment}" must be the last segment')
    names = [s[1:-1].rstrip("+") for s in segments if s.startswith("{")]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f'"{path}" uses the parameter "{{{duplicates[0]}}}" twice')
    return path


class HttpRoute(_Strict):
    """The HTTP route that invokes a function through the service's API."""

    verb: v.HttpVerb = Field(description="HTTP method, or ANY for every method.")
    path: str = Field(
        description='Route path: "/todos", "/todos/{id}" (parameter), "/files/{proxy+}" (greedy).'
    )

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return check_http_path(value)


class Permission(_Strict):
    """An extra IAM statement for the function's role, on top of what its IOmods need."""

    actions: list[Annotated[str, Field(pattern=IAM_ACTION_PATTERN)]] = Field(
        min_length=1, description='IAM actions, e.g. ["sqs:SendMessage"].'
    )
    resources: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        description='Resource ARNs the actions apply to, or ["*"]. "${user_tf.NAME}" names an'
        " output of user_tf/, whole or inside an ARN.",
    )


# A key's ARN: CloudWatch Logs and Lambda take no alias.
KMS_KEY_PATTERN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$"
BOUNDARY_PATTERN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$"
SIGNING_PATTERN = r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]+$"
ROLE_PATH_PATTERN = r"^/([A-Za-z0-9+=,.@_-]+/)*$"


def _retention(value: int | None) -> int | None:
    if value is not None and value not in v.LOG_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in v.LOG_RETENTION_DAYS)
        raise ValueError(f"CloudWatch Logs keeps logs for one of {allowed} days (0: forever)")
    return value


class VpcPlacement(_Strict):
    """Subnets and security groups to run functions in (their roles get the ENI actions)."""

    subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]+$")]] = Field(
        min_length=1, description='Subnets, e.g. ["subnet-0abc..."], in two zones or more.'
    )
    security_group_ids: list[Annotated[str, Field(pattern=r"^sg-[0-9a-f]+$")]] = Field(
        min_length=1, description='Security groups, e.g. ["sg-0abc..."].'
    )


class AwsSettings(_Strict):
    """What an estate requires of everything the project deploys (``[aws]``)."""

    permissions_boundary: str | None = Field(
        default=None, pattern=BOUNDARY_PATTERN,
        description="A managed policy that bounds every role, where the account requires one.",
    )  # fmt: skip
    role_path: str = Field(
        default="/", pattern=ROLE_PATH_PATTERN, max_length=512,
        description='IAM path of every role, e.g. "/asml/".',
    )  # fmt: skip
    tags: dict[Annotated[str, Field(min_length=1, max_length=128)],
               Annotated[str, Field(max_length=256)]] = Field(
        default_factory=dict,
        description="Tags on every resource, beside asml:project and asml:stage.",
    )  # fmt: skip
    kms_key_arn: str | None = Field(
        default=None, pattern=KMS_KEY_PATTERN,
        description="A customer-managed KMS key for the log groups and environment variables;"
        " its key policy must let CloudWatch Logs use it.",
    )  # fmt: skip
    log_retention_days: int = Field(
        default=v.DEFAULT_LOG_RETENTION_DAYS,
        description="How long log groups keep logs (0: forever); functions may override it.",
    )
    tracing: bool = Field(default=False, description="X-Ray active tracing of every function.")
    code_signing_config_arn: str | None = Field(
        default=None, pattern=SIGNING_PATTERN,
        description="A code-signing configuration every function's zip must satisfy.",
    )  # fmt: skip
    vpc: VpcPlacement | None = Field(
        default=None, description="Run every function in this VPC (a service or function may"
        " set its own).",
    )  # fmt: skip

    @field_validator("log_retention_days")
    @classmethod
    def _days(cls, value: int) -> int:
        return _retention(value) or value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        reserved = [key for key in value if key.lower().startswith(("aws:", "asml:"))]
        if reserved:
            raise ValueError(f'"{reserved[0]}": tags starting with aws: or asml: are reserved')
        return value


class Function(_Strict):
    """One function: a WebAssembly guest deployed as an AWS Lambda function."""

    language: v.Language = Field(description="The language the guest is written in.")
    source: str | None = Field(
        default=None,
        min_length=1,
        description="Source directory (or .wasm/.wat file), relative to the service directory."
        " Defaults to the function's name.",
    )
    handler: str = Field(
        default=v.DEFAULT_HANDLER,
        pattern=HANDLER_PATTERN,
        description="The guest export that handles an event.",
    )
    http: HttpRoute | None = Field(
        default=None, description="Expose the function on the service's HTTP API."
    )
    authorizer: str | None = Field(
        default=None, description="Name of an authorizer in this service that guards the route."
    )
    timeout_seconds: int = Field(
        default=v.DEFAULT_TIMEOUT_SECONDS, ge=1, le=900, description="Lambda timeout, 1-900 s."
    )
    memory_mb: int = Field(
        default=v.DEFAULT_MEMORY_MB, ge=128, le=10240, description="Lambda memory, 128-10240 MB."
    )
    environment: dict[EnvKey, str] = Field(
        default_factory=dict,
        description="Environment variables of the function. A value may name an output of"
        ' user_tf/: "${user_tf.NAME}", whole or inside the text.',
    )
    architecture: v.Architecture | None = Field(
        default=None, description="CPU architecture. Defaults to the project's."
    )
    engine: v.Engine | None = Field(
        default=None, description="WebAssembly engine. Defaults to the project's."
    )
    wasmer_runtime: v.WasmerRuntime | None = Field(
        default=None,
        description="Lambda runtime of a wasmer function. Defaults to the project's.",
    )
    precompile: bool = Field(
        default=True,
        description="Compile to native code at build time (fast cold starts). With false,"
        " the .wasm is shipped and compiled when the function starts.",
    )
    iomods: list[IomodUse] = Field(
        default_factory=list,
        description='IOmods (by their name in this service) the function may call: "table"'
        ' for every call of IOmod table, or "table.get_item" for that call alone; the role'
        " gets the IAM actions of the calls named, and the runtime refuses any other.",
    )
    permissions: list[Permission] = Field(
        default_factory=list, description="Extra IAM statements for the function's role."
    )
    reserved_concurrency: int | None = Field(
        default=None, ge=0, description="Concurrency reserved for the function (0 stops it)."
    )
    log_retention_days: int | None = Field(
        default=None, description="How long its log group keeps logs; default: the project's."
    )
    tracing: bool | None = Field(
        default=None, description="X-Ray active tracing; default: the project's."
    )
    vpc: VpcPlacement | None = Field(
        default=None, description="Run it in this VPC; default: the service's, or the project's."
    )
    async_invoke: AsyncInvoke | None = Field(
        default=None,
        description="Retries and a failure destination for asynchronous invocations"
        " (schedules, S3 events).",
    )

    @field_validator("log_retention_days")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        return _retention(value)

    @property
    def iomod_names(self) -> list[str]:
        """The IOmods it uses, each once, in the order first listed."""
        return list(dict.fromkeys(use.partition(".")[0] for use in self.iomods))

    def calls_of(self, iomod: str) -> frozenset[str] | None:
        """The calls of ``iomod`` it may make; None for every call (the IOmod named alone)."""
        calls = set()
        for use in self.iomods:
            name, dot, call = use.partition(".")
            if name == iomod:
                if not dot:
                    return None
                calls.add(call)
        return frozenset(calls)


class Authorizer(_Strict):
    """Guards HTTP routes: a JWT authorizer or AWS IAM (SigV4) authorization."""

    type: v.AuthorizerType = Field(description='"JWT" or "AWS_IAM".')
    issuer: str | None = Field(default=None, description="JWT: the token issuer URL (iss).")
    audience: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="JWT: accepted audiences (aud)."
    )
    scopes: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="JWT: scopes every guarded route requires."
    )
    identity_source: str = Field(
        default="$request.header.Authorization",
        min_length=1,
        description="JWT: where API Gateway reads the token.",
    )
    jwks: str | None = Field(
        default=None,
        min_length=1,
        description="JWT, for `asml serve`: the signing keys to verify tokens with, as a JWKS"
        " file (relative to the service directory) or URL. API Gateway finds them from the"
        " issuer; without them `asml serve` reads tokens unverified.",
    )


class IomodDependency(_Strict):
    """An IOmod the service's functions may call: the only way a guest reaches the network."""

    coordinates: str = Field(
        pattern=COORDINATES_PATTERN, description='IOmod coordinates, e.g. "akkoro.aws.dynamodb".'
    )
    version: str | None = Field(
        default=None, pattern=VERSION_PATTERN, description='Version wanted, e.g. "0.1.0".'
    )
    path: str | None = Field(
        default=None,
        min_length=1,
        description="Directory of a local IOmod, relative to the service directory."
        " Without it, the IOmod must be one that ships with asml.",
    )
    resources: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="ARNs the IOmod may act on (e.g. a DynamoDB table): they scope its IAM role."
        ' "${user_tf.NAME}" names an output of user_tf/, e.g. the ARN of a table it creates.',
    )
    allow_wildcard: str | None = Field(
        default=None,
        min_length=1,
        description="Consent, with its reason, for an IOmod that asks for wide IAM: actions"
        " with a wildcard, iam:/sts:/organizations: actions, or every resource (no"
        " `resources`). Without it, such an IOmod is refused. `asml check` shows the reason.",
    )


class CorsSettings(_Strict):
    allow_origins: list[str] = Field(default_factory=list)
    allow_methods: list[str] = Field(default_factory=list)
    allow_headers: list[str] = Field(default_factory=list)
    expose_headers: list[str] = Field(default_factory=list)
    allow_credentials: bool = False
    max_age_seconds: int = Field(default=0, ge=0, le=86400)


DOMAIN_PATTERN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class DomainSettings(_Strict):
    """A custom domain for the service's API: a certificate and, in Route 53, its records."""

    name: str = Field(
        min_length=1, max_length=253, description="Custom domain name, e.g. api.example.com."
    )
    certificate_arn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z-]*:acm:",
        description="ACM certificate for the domain, in the project's region. Without it, asml"
        " requests one from ACM and validates it through DNS in the zone.",
    )
    zone_id: str | None = Field(
        default=None,
        pattern=r"^Z[A-Z0-9]+$",
        description="Route 53 hosted zone for the domain's records (alias, certificate"
        " validation).",
    )
    zone_name: str | None = Field(
        default=None,
        pattern=DOMAIN_PATTERN,
        description='The same zone by its name, e.g. "example.com", looked up at plan time.',
    )


class HttpSettings(_Strict):
    """Settings of the service's HTTP API (created only if some function has a route)."""

    cors: CorsSettings | None = None
    domain: DomainSettings | None = None
    stage_variables: dict[EnvKey, str] = Field(
        default_factory=dict,
        description="Stage variables of the API: every event carries them in `stageVariables`"
        " (e.g. the URL of a service the function calls).",
    )


class ServiceInfo(_Strict):
    name: Name | None = Field(
        default=None, description="The service's name; must match its directory."
    )
    vpc: VpcPlacement | None = Field(
        default=None, description="Run the service's functions in this VPC; default: the"
        " project's.",
    )  # fmt: skip


class ServiceManifest(_Strict):
    """``services/<service>/service.toml``."""

    manifest_version: int = Field(
        default=v.MANIFEST_VERSION, description="Format version of this file."
    )
    service: ServiceInfo = Field(default_factory=ServiceInfo)
    http: HttpSettings = Field(default_factory=HttpSettings)
    functions: dict[Name, Function] = Field(default_factory=dict)
    authorizers: dict[Name, Authorizer] = Field(default_factory=dict)
    iomods: dict[Name, IomodDependency] = Field(default_factory=dict)
    schedules: dict[Name, Schedule] = Field(
        default_factory=dict, description="Functions invoked on a schedule."
    )
    queues: dict[Name, Queue] = Field(
        default_factory=dict, description="SQS queues whose messages functions receive."
    )
    buckets: dict[Name, Bucket] = Field(
        default_factory=dict, description="S3 buckets whose object events invoke functions."
    )


class ProjectInfo(_Strict):
    name: Name = Field(description="Project name; part of every resource name.")
    region: Region = Field(default=v.DEFAULT_REGION)
    engine: v.Engine = Field(
        default=v.DEFAULT_ENGINE, description="Default WebAssembly engine of functions."
    )
    architecture: v.Architecture = Field(
        default=v.DEFAULT_ARCHITECTURE, description="Default CPU architecture of functions."
    )
    wasmer_runtime: v.WasmerRuntime = Field(
        default=v.DEFAULT_WASMER_RUNTIME,
        description='Lambda runtime of wasmer functions: "provided.al2023" (asml\'s custom'
        ' runtime, which carries its own CPython 3.10) or "python3.10" (AWS\'s managed'
        " runtime, deprecated).",
    )
    services: list[Name] = Field(
        default_factory=list, description="Services, each in services/<name>/service.toml."
    )


class TerraformSettings(_Strict):
    """Where Terraform keeps state. Local by default; S3 with a DynamoDB lock table for teams."""

    backend: v.Backend | None = Field(
        default=None, description='"local" or "s3"; "s3" when state_bucket is set.'
    )
    state_bucket: str | None = Field(default=None, min_length=3)
    lock_table: str | None = Field(default=None, min_length=3)
    state_key: str | None = Field(default=None, min_length=1)
    state_region: Region | None = None


class LocalSettings(_Strict):
    """The local AWS API (e.g. moto) that the ``local`` target deploys to."""

    endpoint: str = Field(default=v.DEFAULT_LOCAL_ENDPOINT, pattern=r"^https?://[^\s/]+(/.*)?$")


class Stage(_Strict):
    """A deployment stage: its own state and resource names."""

    region: Region | None = None
    target: v.Target = Field(default="aws", description='"aws", or "local" for a local AWS API.')
    environment: dict[EnvKey, str] = Field(
        default_factory=dict,
        description="Environment added to every function in this stage: values only, no"
        " references to user_tf/ (set those in a function's `environment`).",
    )


class ProjectManifest(_Strict):
    """``assemblylift.toml`` at the root of the project."""

    manifest_version: int = Field(
        default=v.MANIFEST_VERSION, description="Format version of this file."
    )
    project: ProjectInfo
    aws: AwsSettings = Field(default_factory=AwsSettings)
    terraform: TerraformSettings = Field(default_factory=TerraformSettings)
    local: LocalSettings = Field(default_factory=LocalSettings)
    stages: dict[StageName, Stage] = Field(default_factory=dict)
