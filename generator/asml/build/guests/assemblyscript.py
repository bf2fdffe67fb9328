"""AssemblyScript with ``asc``, installed from npm into the function's own node_modules."""

from __future__ import annotations

from pathlib import Path

from asml.build import toolchains
from asml.build.guests.base import BuildFailed, Guest, run_tool
from asml_sdk import sdk_digest, sdk_dir

# --use abort= : compile `abort` to a trap instead of importing env.abort, which asml does not
# provide. The stub runtime has no GC, which a request-sized guest does not need.
_FLAGS = ("--optimizeLevel", "3", "--shrinkLevel", "0", "--runtime", "stub", "--use", "abort=")
_ENTRY = "assembly/index.ts"


class AssemblyScriptBuilder:
    language = "assemblyscript"

    def inputs(self, guest: Guest) -> list[str]:
        return [toolchains.npm().identity, f"sdk:{sdk_digest('assemblyscript')}", *_FLAGS]

    def build(self, guest: Guest, out: Path) -> None:
        if not (guest.source / "package.json").is_file():
            raise BuildFailed(
                guest, "package.json is missing; it must list assemblyscript in devDependencies"
            )
        if not (guest.source / _ENTRY).is_file():
            raise BuildFailed(guest, f"{_ENTRY} does not exist")
        asc = guest.source / "node_modules" / ".bin" / "asc"
        if not asc.exists():
            npm = toolchains.npm().command
            run_tool(guest, [*npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
                     cwd=guest.source)  # fmt: skip
            if not asc.exists():
                raise BuildFailed(guest, "npm install did not provide asc; add assemblyscript"
                                  " to devDependencies in package.json")  # fmt: skip
        # --path: `import ... from "asml"` resolves to the SDK (sdk/.../asml/package.json).
        sdk = ["--path", str(sdk_dir("assemblyscript"))]
        run_tool(guest, [str(asc), _ENTRY, "--outFile", str(out), *_FLAGS, *sdk], cwd=guest.source)
