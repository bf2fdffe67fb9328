"""What an IOmod package asks of IAM, and whether its service has agreed to it.

A package's own manifest names the IAM actions of its calls, and the role of each function that
uses it gets them. So that a shared package cannot grant itself ``iam:PassRole`` or ``s3:*``
on every resource unnoticed, a wide grant needs the service's consent, with a reason:
``allow_wildcard = "why"`` on the dependency. Wide means any of:

- an action with a wildcard (``s3:*``, ``s3:Get*``, ``s3:Delete??????``, ``*``);
- an action of a service that hands out power: ``iam:``, ``sts:``, ``organizations:``;
- every resource: an IOmod that needs actions, on a dependency without ``resources``.
"""

from __future__ import annotations

from dataclasses import dataclass

from asml.manifest.model import IomodDependency
from asml_iomods.manifest import IomodManifest

POWER_SERVICES = ("iam", "sts", "organizations")
CONSENT_KEY = "allow_wildcard"


@dataclass(frozen=True)
class Grant:
    """What one dependency gives each function that uses it."""

    name: str  # the dependency's name in service.toml
    coordinates: str
    version: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]  # ("*",) when the dependency names none
    wide: tuple[str, ...]  # why it is wide, in words; empty when it is not
    consent: str | None  # the service's reason, from allow_wildcard

    @property
    def refused(self) -> bool:
        return bool(self.wide) and self.consent is None


def grant_of(name: str, dependency: IomodDependency, manifest: IomodManifest) -> Grant:
    actions = manifest.actions
    wide = [f"{action} (a wildcard)" for action in actions if _is_pattern(action)]
    wide += [
        f"{action} (an {action.partition(':')[0]}: action)"
        for action in actions
        if not _is_pattern(action) and action.partition(":")[0].lower() in POWER_SERVICES
    ]
    resources = tuple(dependency.resources) or ("*",)
    if actions and not dependency.resources:
        wide.append('every resource ("*": no `resources`)')
    return Grant(name, manifest.coordinates, manifest.version, actions, resources, tuple(wide),
                 dependency.allow_wildcard)  # fmt: skip


def _is_pattern(action: str) -> bool:
    """IAM matches ``*`` and ``?`` in actions: ``s3:*``, ``s3:Delete??????``."""
    return "*" in action or "?" in action


def refusal(grant: Grant) -> str:
    """Why a wide grant without consent is refused, and the two ways out."""
    return (
        f"the IOmod {grant.coordinates} asks for {', '.join(grant.wide)}; list the ARNs it may"
        f" use in `resources`, or, if it truly needs this, say why with"
        f' `{CONSENT_KEY} = "<reason>"` (`asml check` shows each IOmod\'s grant)'
    )


def describe(grant: Grant) -> str:
    """One line for `asml check`: what the functions that use it may do."""
    if not grant.actions:
        return "no AWS actions"
    text = f"{', '.join(grant.actions)} on {', '.join(grant.resources)}"
    if grant.consent is not None:
        text += f' (wide, allowed: "{grant.consent}")'
    return text
