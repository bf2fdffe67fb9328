"""AssemblyLift's custom domains: a service's API at a name under a Route 53 zone.

AssemblyLift (0.4) listed the zones in ``[[domains]] dns_name`` and put each service that
names one at ``<service>.<project>.<zone>``; ``is_root`` on the service leaves out the
service's name, ``map_to_root`` on the domain the project's. It requested the certificate
from ACM, validated it through DNS in the zone, and pointed an alias record at the API:
``http.domain = { name, zone_name }`` without ``certificate_arn`` does all of that in asml.
"""

from __future__ import annotations

from asml.manifest.assemblylift.context import ServiceContext
from asml.manifest.assemblylift.normalized import Normalized, Table
from asml.manifest.problems import KeyPath


def service_domain(
    zone: object, is_root: bool, context: ServiceContext, where: KeyPath, out: Normalized
) -> Table | None:
    project = context.project
    if not isinstance(zone, str) or not zone:
        out.error(where, "must be the `dns_name` of one of the project's [[domains]]")
        return None
    if zone not in project.zones:
        listed = ", ".join(f'"{z}"' for z in project.zones) or "none"
        out.error(
            where,
            f'"{zone}" is not the `dns_name` of a [[domains]] entry in assemblylift.toml'
            f" (listed: {listed}); add it there, or remove this",
        )
        return None
    parts = [] if is_root else [context.service]
    if not project.zones[zone]:
        if project.name is None:
            return None  # the project file is broken; it reports that itself
        parts.append(project.name)
    name = ".".join([*parts, zone])
    out.note(
        where,
        f"the API is at https://{name}: asml requests its certificate from ACM and validates"
        f' it through DNS in the Route 53 zone "{zone}", as AssemblyLift did',
    )
    return {"name": name, "zone_name": zone}
