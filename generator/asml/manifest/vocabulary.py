"""The fixed vocabularies of the manifests: languages, engines, architectures, methods.

Kept apart from the pydantic models so the scaffolder, the builder and the error messages
share one spelling of each.
"""

from __future__ import annotations

from typing import Literal, get_args

from asml_iomods.catalog import STANDARD

Language = Literal["c", "cpp", "zig", "rust", "assemblyscript", "wat", "wasm"]
Engine = Literal["wasmer-llvm", "wasmer-cranelift", "wasmer-singlepass", "wasmtime"]
Architecture = Literal["x86_64", "arm64"]
HttpVerb = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]
AuthorizerType = Literal["JWT", "AWS_IAM"]
Backend = Literal["local", "s3"]
Target = Literal["aws", "local"]
# The Lambda runtime of wasmer functions: asml's custom runtime, or AWS's deprecated python3.10.
WasmerRuntime = Literal["provided.al2023", "python3.10"]

LANGUAGES: tuple[str, ...] = get_args(Language)
ENGINES: tuple[str, ...] = get_args(Engine)
ARCHITECTURES: tuple[str, ...] = get_args(Architecture)
HTTP_VERBS: tuple[str, ...] = get_args(HttpVerb)

DEFAULT_ENGINE: Engine = "wasmer-llvm"
DEFAULT_WASMER_RUNTIME: WasmerRuntime = "provided.al2023"
DEFAULT_ARCHITECTURE: Architecture = "x86_64"
DEFAULT_REGION = "us-east-1"
DEFAULT_HANDLER = "handler"
DEFAULT_TIMEOUT_SECONDS = 5
DEFAULT_MEMORY_MB = 256
DEFAULT_LOG_RETENTION_DAYS = 30
# What CloudWatch Logs accepts; 0 keeps logs forever.
LOG_RETENTION_DAYS = (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653)  # fmt: skip
DEFAULT_LOCAL_ENDPOINT = "http://127.0.0.1:5000"

# Engines whose Python wheels exist for arm64 hosts (wasmer's stop at x86_64).
ARM64_ENGINES: frozenset[str] = frozenset({"wasmtime"})
# Engines that can compile at run time, for functions that opt out of precompiling.
# LLVM is a build-time compiler only: it is far too large and slow for a Lambda cold start.
JIT_ENGINES: frozenset[str] = frozenset({"wasmer-cranelift", "wasmer-singlepass", "wasmtime"})
WASMER_ENGINES: frozenset[str] = frozenset(e for e in ENGINES if e.startswith("wasmer-"))

# Lambda sets these itself and refuses functions that define them; ASML_ is the runtime's own.
RESERVED_ENV_KEYS: frozenset[str] = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)
RESERVED_ENV_PREFIX = "ASML_"
# Lambda's limit on the total size of a function's environment variables.
MAX_ENV_BYTES = 4096
MAX_LAMBDA_NAME = 64
# API Gateway HTTP APIs stop waiting for an integration after 30 s.
HTTP_API_TIMEOUT_SECONDS = 30

# IOmods that ship with asml; a dependency on anything else must give a `path`.
STANDARD_IOMODS: tuple[str, ...] = tuple(sorted(STANDARD))

MANIFEST_VERSION = 1
