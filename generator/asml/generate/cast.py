"""``asml cast`` after the build: package the results and write ``net/`` from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from asml.build.pipeline import CACHE_DIR, FunctionResult
from asml.generate.model import Net
from asml.generate.net import NET_DIR, Written, write_net
from asml.generate.render import render
from asml.generate.resolve import resolve
from asml.generate.user_tf import declared_variables
from asml.manifest import Project
from asml.package.layer_check import TooNew, check_recorded
from asml.package.progress import LayerProgress
from asml.package.project import PACKAGE_DIR, package


@dataclass(frozen=True)
class Generated:
    net: Net
    written: list[Written]
    # Layers whose native code needs a newer glibc than their Lambda runtime has.
    too_new: list[TooNew] = field(default_factory=list)


def generate(
    project: Project, results: Sequence[FunctionResult], progress: LayerProgress | None = None
) -> Generated:
    """Zip the built functions and their layers, then bring ``net/`` up to date."""
    package_root = project.root / PACKAGE_DIR
    packaged = package(project, results, package_root, project.root / CACHE_DIR, progress)
    net = resolve(project, packaged, package_root, declared_variables(project.root))
    files = render(net)
    written = write_net(project.root / NET_DIR, files, packaged, package_root)
    return Generated(net, written, check_recorded(package_root, project.root / CACHE_DIR))
