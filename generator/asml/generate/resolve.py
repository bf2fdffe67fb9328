"""Decide everything ``net/`` says, from the project and what ``asml package`` produced.

Names: each resource is ``<prefix>-<service>-<function>`` (see :mod:`asml.naming`), where the
prefix ``asml-<project>[-<stage>]`` is computed in Terraform from ``var.stage``, so one
``net/`` serves every stage. Module labels are ``<service>_<function>`` (and ``_role``),
``<service>_http_api``, ``<service>_iomods_<runtime>_<arch>``, ``runtime_<engine>_<arch>``
(``runtime_wasmer_python310_<arch>`` for wasmer on the managed python3.10) and
``python310_<arch>`` (the custom runtime's interpreter); two manifests entries that would
share a label are an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from asml import naming
from asml.build.pipeline import BUILD_DIR
from asml.errors import AsmlError
from asml.generate import iam, triggers
from asml.generate.hcl import Expr, Value, template
from asml.generate.model import (
    Backend,
    FunctionCall,
    HttpApiCall,
    LayerCall,
    Net,
    ServiceFile,
    StageFile,
)
from asml.generate.references import hcl_value
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project
from asml.manifest import vocabulary as v
from asml.manifest.model import Authorizer, Function, HttpSettings, IomodDependency
from asml.manifest.project import SERVICE_FILE, SERVICES_DIR, Service
from asml.package.iomod_layer import IomodLayerSpec
from asml.package.lambda_platform import PROVIDED_AL2023, runtime_for
from asml.package.project import Packaged, PackagedFunction
from asml.package.runtime_layer import LayerSpec
from asml.package.zips import ZipResult
from asml_iomods.manifest import IomodManifest, ManifestError
from asml_iomods.manifest import read as read_iomod

HANDLER = "asml_runtime.lambda_handler.handler"
PREFIX = Expr("local.prefix")
DIST = Expr("local.dist")


class GenerateError(AsmlError):
    """The project cannot be turned into Terraform as it stands."""


def resource_name(*parts: str) -> Expr:
    """``"${local.prefix}-api-create"``: a resource name in every stage."""
    return template(PREFIX, "".join(f"-{part}" for part in parts))


def identifier(*parts: str) -> str:
    return "_".join(parts).replace("-", "_")


class _Labels:
    """Module labels handed out so far, to refuse two things that would share one."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def take(self, label: str, owner: str) -> str:
        if label in self.owners:
            raise GenerateError(
                f"{owner} and {self.owners[label]} would both be Terraform module"
                f' "{label}"; rename one of them'
            )
        self.owners[label] = owner
        return label


class Resolver:
    def __init__(self, project: Project, packaged: Packaged, package_root: Path) -> None:
        self.project = project
        self.packaged = packaged
        self.package_root = package_root
        self.labels = _Labels()
        self.notes: list[str] = []

    def dist_path(self, result: ZipResult) -> Expr:
        relative = PurePosixPath(result.path.relative_to(self.package_root).as_posix())
        return template(DIST, f"/{relative}")

    def runtime_layer(self, spec: LayerSpec, result: ZipResult) -> LayerCall:
        # The engine's usual Lambda runtime goes unsaid; wasmer on python3.10 is named.
        parts = ["runtime", spec.engine_package]
        if spec.runtime != runtime_for(spec.engine_package):
            parts.append(spec.runtime.label)
        parts.append(spec.architecture)
        label = identifier(*parts)
        description = f"asml runtime with {spec.engine_package} {spec.engine_version}"
        if spec.runtime.custom:
            description += f", for the custom runtime {spec.runtime.name}"
        return LayerCall(
            label=self.labels.take(label, f"the {spec.engine_package} runtime layer"),
            name=resource_name(*parts[:-1], spec.architecture),
            description=description,
            filename=self.dist_path(result),
            source_code_hash=result.base64_sha256,
            runtime=spec.runtime.name,
            architecture=spec.architecture,
        )

    def interpreter_layer(self, architecture: str, result: ZipResult) -> LayerCall:
        label = identifier("python310", architecture)
        return LayerCall(
            label=self.labels.take(label, "the CPython 3.10 layer"),
            name=resource_name("python310", architecture),
            description="CPython 3.10 for the asml custom runtime",
            filename=self.dist_path(result),
            source_code_hash=result.base64_sha256,
            runtime=PROVIDED_AL2023.name,
            architecture=architecture,
        )

    def iomod_layer(self, spec: IomodLayerSpec, result: ZipResult) -> LayerCall:
        runtime = spec.runtime.label
        label = identifier(spec.service, "iomods", runtime, spec.architecture)
        return LayerCall(
            label=self.labels.take(label, f'the IOmod layer of service "{spec.service}"'),
            name=resource_name(spec.service, "iomods", runtime, spec.architecture),
            description=f"IOmods of service {spec.service}",
            filename=self.dist_path(result),
            source_code_hash=result.base64_sha256,
            runtime=spec.runtime.name,
            architecture=spec.architecture,
        )

    def iomods_of(
        self, service: Service, function: Function
    ) -> dict[str, tuple[IomodDependency, IomodManifest]]:
        """The IOmods a function may call, with the manifests ``asml build`` laid out."""
        found = {}
        for name in function.iomod_names:
            dependency = service.manifest.iomods[name]
            directory = (
                self.project.root / BUILD_DIR / service.name / IOMODS_DIR / dependency.coordinates
            )
            try:
                found[name] = (dependency, read_iomod(directory))
            except ManifestError as error:
                raise GenerateError(f"{error}; run `asml build` again") from None
        return found

    def function(
        self,
        service: Service,
        name: str,
        packaged: PackagedFunction,
        runtime_layers: Mapping[LayerSpec, LayerCall],
        iomod_layers: Mapping[IomodLayerSpec, LayerCall],
        interpreter_layers: Mapping[str, LayerCall],
    ) -> FunctionCall:
        function = service.manifest.functions[name]
        reference = f"{service.name}.{name}"
        owner = f'function "{reference}"'
        engine = self.project.engine_of(function)
        label = self.labels.take(identifier(service.name, name), owner)
        layers = []
        if packaged.needs_interpreter:  # first: the runtime layer's bootstrap starts it
            layers.append(
                Expr(f"module.{interpreter_layers[packaged.layer.architecture].label}.arn")
            )
        layers.append(Expr(f"module.{runtime_layers[packaged.layer].label}.arn"))
        if packaged.iomod_layer is not None:
            layers.append(Expr(f"module.{iomod_layers[packaged.iomod_layer].label}.arn"))
        iomods = self.iomods_of(service, function)
        return FunctionCall(
            reference=reference,
            label=label,
            role_label=self.labels.take(f"{label}_role", f"the role of {owner}"),
            function_name=resource_name(service.name, name),
            log_group_name=template("/aws/lambda/", PREFIX, f"-{service.name}-{name}"),
            description=f"{reference}: {function.language} on {engine}",
            runtime=packaged.layer.runtime.name,
            architecture=packaged.layer.architecture,
            filename=self.dist_path(packaged.zip),
            source_code_hash=packaged.zip.base64_sha256,
            layers=tuple(layers),
            memory_size=function.memory_mb,
            timeout=function.timeout_seconds,
            environment={k: hcl_value(v) for k, v in sorted(function.environment.items())},
            statements=iam.statements(
                iomods, function.permissions, {n: function.calls_of(n) for n in iomods}
            ),
            **self.estate_settings(service, function),
        )

    def estate_settings(self, service: Service, function: Function) -> dict[str, dict[str, Value]]:
        """The lambda-function and iam-role arguments that [aws] and the function's own keys
        set, each only when it differs from the module's default (so plans stay as they were)."""
        aws = self.project.manifest.aws
        settings: dict[str, Value] = {}
        role: dict[str, Value] = {}
        retention = function.log_retention_days
        retention = aws.log_retention_days if retention is None else retention
        if retention != v.DEFAULT_LOG_RETENTION_DAYS:
            settings["log_retention_in_days"] = retention
        if function.reserved_concurrency is not None:
            settings["reserved_concurrent_executions"] = function.reserved_concurrency
        tracing = aws.tracing if function.tracing is None else function.tracing
        if tracing:
            settings["tracing_mode"] = "Active"
            role["tracing"] = True
        vpc = function.vpc or service.manifest.service.vpc or aws.vpc
        if vpc is not None:
            settings["vpc_subnet_ids"] = list(vpc.subnet_ids)
            settings["vpc_security_group_ids"] = list(vpc.security_group_ids)
            role["vpc_access"] = True
        if aws.kms_key_arn is not None:
            settings["kms_key_arn"] = Expr("local.kms_key_arn")
            role["kms_key_arn"] = Expr("local.kms_key_arn")
        if aws.code_signing_config_arn is not None:
            settings["code_signing_config_arn"] = Expr("local.code_signing_config_arn")
        if aws.permissions_boundary is not None:
            role["permissions_boundary"] = Expr("local.permissions_boundary")
        if aws.role_path != "/":
            role["path"] = Expr("local.role_path")
        return {"settings": settings, "role_settings": role}

    def _manifest(self, service: Service) -> str:
        return f"{SERVICES_DIR}/{service.name}/{SERVICE_FILE}"

    def http_api(
        self, service: Service, functions: Mapping[str, FunctionCall]
    ) -> HttpApiCall | None:
        manifest = service.manifest
        routed = {n: f for n, f in manifest.functions.items() if f.http is not None}
        if not routed:
            return None
        routes: dict[str, Value] = {}
        for name, function in sorted(routed.items(), key=lambda i: _route_order(i[1])):
            assert function.http is not None
            call = functions[name]
            route: dict[str, Value] = {
                "function_name": Expr(f"module.{call.label}.function_name"),
                "invoke_arn": Expr(f"module.{call.label}.invoke_arn"),
            }
            route.update(_authorization(function, manifest.authorizers))
            routes[f"{function.http.verb} {function.http.path}"] = route
        authorizers: dict[str, Value] = {
            name: {
                "issuer": authorizer.issuer,
                "audience": list(authorizer.audience),
                "identity_sources": [authorizer.identity_source],
            }
            for name, authorizer in sorted(manifest.authorizers.items())
            if authorizer.type == "JWT"
        }
        label = identifier(service.name, "http_api")
        return HttpApiCall(
            label=self.labels.take(label, f'the HTTP API of service "{service.name}"'),
            name=resource_name(service.name),
            description=f"HTTP API of service {service.name}",
            routes=routes,
            authorizers=authorizers,
            cors=_cors(manifest.http),
            domain=_domain(manifest.http),
            stage_variables=dict(sorted(manifest.http.stage_variables.items())),
            settings=self.access_log_settings(),
        )

    def access_log_settings(self) -> dict[str, Value]:
        """The access log group's retention and key, from [aws], where not the defaults."""
        aws = self.project.manifest.aws
        found: dict[str, Value] = {}
        if aws.log_retention_days != v.DEFAULT_LOG_RETENTION_DAYS:
            found["log_retention_in_days"] = aws.log_retention_days
        if aws.kms_key_arn is not None:
            found["kms_key_arn"] = Expr("local.kms_key_arn")
        return found

    def service(
        self,
        service: Service,
        runtime_layers: Mapping[LayerSpec, LayerCall],
        iomod_layers: Mapping[IomodLayerSpec, LayerCall],
        interpreter_layers: Mapping[str, LayerCall],
    ) -> ServiceFile:
        packaged = {
            p.function.split(".", 1)[1]: p
            for p in self.packaged.functions
            if p.function.split(".", 1)[0] == service.name
        }
        functions = {
            name: self.function(
                service, name, packaged[name], runtime_layers, iomod_layers, interpreter_layers
            )
            for name in sorted(service.manifest.functions)
        }
        own_layers = tuple(
            call for spec, call in iomod_layers.items() if spec.service == service.name
        )
        kms_key = Expr("local.kms_key_arn") if self.project.manifest.aws.kms_key_arn else None
        calls = triggers.trigger_calls(
            service.name, service.manifest, functions, self.labels.take, kms_key
        )
        for name, call in functions.items():
            function = service.manifest.functions[name]
            async_invoke, destination = triggers.async_settings(function, call.label, kms_key)
            queues = triggers.queue_statements(service.manifest, name, calls)
            functions[name] = replace(
                call,
                statements=(*call.statements, *queues, *destination),
                settings={**call.settings, **async_invoke},
            )
        return ServiceFile(
            name=service.name,
            filename=f"service_{service.name}.tf",
            manifest=self._manifest(service),
            iomod_layers=own_layers,
            functions=tuple(functions.values()),
            http_api=self.http_api(service, functions),
            triggers=calls,
        )

    def backend(self) -> Backend | None:
        settings = self.project.manifest.terraform
        backend = settings.backend or ("s3" if settings.state_bucket else "local")
        if backend != "s3":
            return None
        if settings.state_bucket is None:
            raise GenerateError(
                'assemblylift.toml: terraform.backend is "s3" but terraform.state_bucket is'
                " not set; name the bucket that holds the state"
            )
        return Backend(
            bucket=settings.state_bucket,
            key=settings.state_key or f"asml/{self.project.name}/terraform.tfstate",
            region=settings.state_region or self.project.manifest.project.region,
            lock_table=settings.lock_table,
        )

    def resolve(self, user_variables: frozenset[str] | None) -> Net:
        runtime_layers = {
            spec: self.runtime_layer(spec, result) for spec, result in self.packaged.layers.items()
        }
        iomod_layers = {
            spec: self.iomod_layer(spec, result)
            for spec, result in self.packaged.iomod_layers.items()
        }
        interpreter_layers = {
            arch: self.interpreter_layer(arch, result)
            for arch, result in sorted(self.packaged.interpreter_layers.items())
        }
        services = tuple(
            self.service(s, runtime_layers, iomod_layers, interpreter_layers)
            for s in sorted(self.project.services, key=lambda s: s.name)
            if any(p.function.startswith(f"{s.name}.") for p in self.packaged.functions)
        )
        stages = tuple(
            StageFile(name, stage.region, dict(sorted(stage.environment.items())))
            for name, stage in sorted(self.project.manifest.stages.items())
        )
        prefix = naming.resource_prefix(self.project.name)
        offered: dict[str, Value] = {
            "project": self.project.name,
            "stage": Expr("var.stage"),
            "region": Expr("var.region"),
            "resource_prefix": PREFIX,
            "functions": function_map(services),
            "endpoints": endpoint_map(services),
        }
        user_inputs = None
        if user_variables is not None:
            user_inputs = {k: v for k, v in offered.items() if k in user_variables}
        return Net(
            project=self.project.name,
            region=self.project.manifest.project.region,
            prefix=Expr(f'var.stage == "" ? "{prefix}" : "{prefix}-${{var.stage}}"'),
            runtime_layers=tuple(
                sorted(
                    [*interpreter_layers.values(), *runtime_layers.values()],
                    key=lambda c: c.label,
                )
            ),
            services=services,
            backend=self.backend(),
            stages=stages,
            user_inputs=user_inputs,
            notes=tuple(self.notes),
            tags=dict(sorted(self.project.manifest.aws.tags.items())),
            estate=self.estate(),
        )

    def estate(self) -> dict[str, Value]:
        """main.tf locals for the [aws] settings every function and role shares."""
        aws = self.project.manifest.aws
        found: dict[str, Value] = {}
        for key in ("permissions_boundary", "role_path", "kms_key_arn", "code_signing_config_arn"):
            value = getattr(aws, key)
            if value is not None and not (key == "role_path" and value == "/"):
                found[key] = value
        return found


def _route_order(function: Function) -> tuple[str, str]:
    assert function.http is not None
    return (function.http.path, function.http.verb)


def _authorization(function: Function, authorizers: Mapping[str, Authorizer]) -> dict[str, Value]:
    if function.authorizer is None:
        return {}
    authorizer = authorizers[function.authorizer]
    if authorizer.type == "AWS_IAM":
        return {"authorization_type": "AWS_IAM"}
    found: dict[str, Value] = {"authorization_type": "JWT", "authorizer": function.authorizer}
    if authorizer.scopes:
        found["authorization_scopes"] = list(authorizer.scopes)
    return found


def _cors(http: HttpSettings) -> dict[str, Value] | None:
    if http.cors is None:
        return None
    cors = http.cors
    found: dict[str, Value] = {
        "allow_origins": list(cors.allow_origins),
        "allow_methods": list(cors.allow_methods),
        "allow_headers": list(cors.allow_headers),
        "expose_headers": list(cors.expose_headers),
        "allow_credentials": cors.allow_credentials,
        "max_age": cors.max_age_seconds,
    }
    # Defaults stay out, as a person would leave them out.
    defaults: dict[str, Value] = {"allow_credentials": False, "max_age": 0}
    return {k: v for k, v in found.items() if v != [] and defaults.get(k, ...) != v}


def _domain(http: HttpSettings) -> dict[str, Value] | None:
    if http.domain is None:
        return None
    domain: dict[str, Value] = {"name": http.domain.name}
    for key in ("certificate_arn", "zone_id", "zone_name"):
        value = getattr(http.domain, key)
        if value is not None:
            domain[key] = value
    return domain


def endpoint_map(services: Sequence[ServiceFile]) -> dict[str, Value]:
    return {
        s.name: Expr(f"module.{s.http_api.label}.api_endpoint")
        for s in services
        if s.http_api is not None
    }


def domain_map(services: Sequence[ServiceFile]) -> dict[str, Value]:
    return {
        s.name: {
            "name": Expr(f"module.{s.http_api.label}.domain_name"),
            "target": Expr(f"module.{s.http_api.label}.domain_target"),
        }
        for s in services
        if s.http_api is not None and s.http_api.domain is not None
    }


def function_map(services: Sequence[ServiceFile]) -> dict[str, Value]:
    return {
        f.reference: {
            "name": Expr(f"module.{f.label}.function_name"),
            "arn": Expr(f"module.{f.label}.arn"),
        }
        for s in services
        for f in s.functions
    }


def resolve(
    project: Project,
    packaged: Packaged,
    package_root: Path,
    user_variables: frozenset[str] | None = None,
) -> Net:
    """What ``net/`` declares; ``user_variables`` are those user_tf/ declares (None: none)."""
    return Resolver(project, packaged, package_root).resolve(user_variables)
