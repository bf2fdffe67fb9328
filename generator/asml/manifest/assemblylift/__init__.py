"""Reading AssemblyLift's manifests, every version from 0.1 to 0.4-beta, as AssemblyLift did."""

from asml.manifest.assemblylift.context import ProjectContext, ServiceContext
from asml.manifest.assemblylift.normalized import Normalized
from asml.manifest.assemblylift.project_file import adopt_region, normalize_project
from asml.manifest.assemblylift.service_file import normalize_service

__all__ = [
    "Normalized",
    "ProjectContext",
    "ServiceContext",
    "adopt_region",
    "normalize_project",
    "normalize_service",
]
