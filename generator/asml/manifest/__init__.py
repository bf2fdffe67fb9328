"""The project's manifests: models, loading, validation and the JSON Schema editors use."""

from asml.manifest.loader import find_project_root, load_project
from asml.manifest.model import Function, ProjectManifest, ServiceManifest
from asml.manifest.problems import Problem, Severity
from asml.manifest.project import PROJECT_FILE, SERVICE_FILE, SERVICES_DIR, Project, Service

__all__ = [
    "PROJECT_FILE",
    "SERVICES_DIR",
    "SERVICE_FILE",
    "Function",
    "Problem",
    "Project",
    "ProjectManifest",
    "Service",
    "ServiceManifest",
    "Severity",
    "find_project_root",
    "load_project",
]
