"""What ``net/`` declares, decided in Python and only formatted by the templates.

Each class is one module call (or one output) in the generated HCL; its fields are the
module's arguments, already in their final form (:class:`~asml.generate.hcl.Expr` for
references and string templates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asml.generate.hcl import Expr, Value


@dataclass(frozen=True)
class LayerCall:
    label: str
    name: Expr
    description: str
    filename: Expr
    source_code_hash: str
    runtime: str
    architecture: str


@dataclass(frozen=True)
class Statement:
    key: str  # becomes the statement's Sid: letters and digits
    actions: tuple[str, ...]
    resources: tuple[str | Expr, ...]  # Expr: names an output of user_tf/


@dataclass(frozen=True)
class FunctionCall:
    reference: str  # service.function
    label: str
    role_label: str
    function_name: Expr
    log_group_name: Expr
    description: str
    runtime: str
    architecture: str
    filename: Expr
    source_code_hash: str
    layers: tuple[Expr, ...]
    memory_size: int
    timeout: int
    environment: dict[str, str | Expr]  # Expr: names an output of user_tf/
    statements: tuple[Statement, ...]
    # Estate settings ([aws] and the function's own), only those that differ from the
    # modules' defaults: extra arguments of the lambda-function call and of the iam-role call.
    settings: dict[str, Value] = field(default_factory=dict)
    role_settings: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class HttpApiCall:
    label: str
    name: Expr
    description: str
    routes: dict[str, Value]
    authorizers: dict[str, Value]
    cors: dict[str, Value] | None
    domain: dict[str, Value] | None
    stage_variables: dict[str, str]
    settings: dict[str, Value] = field(default_factory=dict)  # from [aws], off the defaults


@dataclass(frozen=True)
class TriggerCall:
    """A schedule, queue or bucket module call: the module and its arguments, in order."""

    reference: str  # schedules.nightly: the manifest entry, for the comment above it
    label: str
    source: str  # the module: schedule, sqs-trigger, bucket-events
    arguments: dict[str, Value]


@dataclass(frozen=True)
class ServiceFile:
    name: str
    filename: str
    manifest: str  # path of its service.toml, relative to the project
    iomod_layers: tuple[LayerCall, ...]
    functions: tuple[FunctionCall, ...]
    http_api: HttpApiCall | None
    triggers: tuple[TriggerCall, ...] = ()


@dataclass(frozen=True)
class Backend:
    bucket: str
    key: str
    region: str
    lock_table: str | None


@dataclass(frozen=True)
class StageFile:
    name: str
    region: str | None
    environment: dict[str, str]


@dataclass(frozen=True)
class Net:
    project: str
    region: str
    prefix: Expr  # asml-<project>[-<stage>]
    runtime_layers: tuple[LayerCall, ...]
    services: tuple[ServiceFile, ...]
    backend: Backend | None
    stages: tuple[StageFile, ...]
    user_inputs: dict[str, Value] | None  # None: no user_tf/ folder
    tags: dict[str, str] = field(default_factory=dict)  # [aws] tags, beside asml's own
    estate: dict[str, Value] = field(default_factory=dict)  # main.tf locals from [aws]
    notes: tuple[str, ...] = field(default=())  # for the person running asml cast
