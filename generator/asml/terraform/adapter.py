"""The one place asml runs Terraform.

python-terraform (0.10.1, from 2019) runs ``init``, ``plan``, ``output`` and ``state pull``,
with its known quirks handled here:

- it writes an empty ``-var-file`` for plan/apply: asml calls ``cmd()``, which adds none;
- ``plan()`` always adds ``-detailed-exitcode`` and calls exit code 2 an error: asml runs
  plans with ``cmd()`` and ``-json``, and reads the outcome from the messages;
- ``destroy()`` sends ``-force``, which Terraform >= 0.15 refuses: not used (see below);
- ``output(name)`` raises TypeError: asml calls ``output_cmd(json=...)`` and reads all;
- it calls the deprecated ``log.warn`` on every failure: silenced around each call;
- ``synchronous=False`` leaks into the argv: never used;
- it reads the environment only from ``os.environ``: set around each call.

``apply`` and ``destroy`` run Terraform directly, because python-terraform can either capture
output or pass it through, not both: a user needs to watch a long apply as it happens, and
asml needs Terraform's error text when it fails (docs/terraform.md says so too).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from asml.environment import apply_to_process, changed
from asml.errors import AsmlError
from asml.terraform.events import Diagnostic, diagnostic_of, errors_in, parse
from asml.terraform.stage import StageContext

# Commands that take a stage's -var-file (apply too, unless it is given a saved plan).
_TAKES_VAR_FILE = ("plan", "destroy", "refresh", "import", "console")


class TerraformFailed(AsmlError):
    """Terraform said no; the message is Terraform's own."""

    def __init__(self, command: str, diagnostics: list[Diagnostic], output: str) -> None:
        if diagnostics:
            body = "\n".join(d.text() for d in diagnostics)
        else:
            body = "\n".join(output.strip().splitlines()[-20:]) or "(no output)"
        super().__init__(f"terraform {command} failed:\n{body}")


class Terraform:
    def __init__(self, binary: str, context: StageContext) -> None:
        import python_terraform  # only commands that run Terraform pay for the import

        self.binary = binary
        self.context = context
        self._python_terraform = python_terraform
        self._tf = python_terraform.Terraform(
            working_dir=str(context.net_dir), terraform_bin_path=binary
        )

    @contextmanager
    def _environment(self) -> Iterator[None]:
        added = self.context.environment()
        saved = {key: os.environ.get(key) for key in added}
        apply_to_process(added)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # its log.warn
                yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def _cmd(self, command: str, *args: str, **options: Any) -> tuple[int, str, str]:
        with self._environment():
            code, out, err = self._tf.cmd(command, *args, **options)
        return int(code), out or "", err or ""

    def init(self) -> None:
        flagged = self._python_terraform.IsFlagged
        self.context.data_dir.mkdir(parents=True, exist_ok=True)
        code, out, err = self._cmd(
            "init",
            input=False,
            no_color=flagged,
            reconfigure=flagged,
            backend_config=self.context.backend_config,
        )
        if code != 0:
            raise TerraformFailed("init", [], f"{out}\n{err}")

    def plan(self, out: Path, *, destroy: bool = False) -> list[dict[str, Any]]:
        """Run a plan saved to ``out``; its messages, or TerraformFailed with its errors."""
        flagged = self._python_terraform.IsFlagged
        var_file = self.context.var_file
        code, stdout, stderr = self._cmd(
            "plan",
            json=flagged,
            input=False,
            out=str(out),
            var_file=str(var_file) if var_file else None,
            destroy=flagged if destroy else None,
        )
        lines = stdout.splitlines()
        if code != 0:
            raise TerraformFailed("plan", errors_in(lines), f"{stdout}\n{stderr}")
        return [m for m in (parse(line) for line in lines) if m is not None]

    def show_plan(self, plan: Path) -> dict[str, Any]:
        """A saved plan in Terraform's JSON plan format (``terraform show -json PLAN``)."""
        code, out, err = self._cmd("show", str(plan), json=self._python_terraform.IsFlagged)
        if code != 0:
            raise TerraformFailed("show", [], f"{out}\n{err}")
        shown: dict[str, Any] = json.loads(out)
        return shown

    def outputs(self) -> dict[str, Any]:
        code, out, err = self._cmd("output", json=self._python_terraform.IsFlagged)
        if code != 0:
            raise TerraformFailed("output", [], f"{out}\n{err}")
        values: dict[str, Any] = json.loads(out or "{}")
        return {name: entry.get("value") for name, entry in values.items()}

    def state(self) -> dict[str, Any]:
        """The stage's state (``terraform state pull``); empty before the first apply."""
        code, out, err = self._cmd("state pull")
        if code != 0:
            raise TerraformFailed("state pull", [], f"{out}\n{err}")
        state: dict[str, Any] = json.loads(out) if out.strip() else {}
        return state

    def push_state(self, state: dict[str, Any]) -> None:
        """Replace the stage's state (``terraform state push``: it checks lineage and serial,
        and locks the state as an apply does)."""
        pushed = self.context.data_dir / "pushed.tfstate"
        pushed.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        try:
            code, out, err = self._cmd("state push", str(pushed))
        finally:
            pushed.unlink(missing_ok=True)
        if code != 0:
            raise TerraformFailed("state push", [], f"{out}\n{err}")

    def run(self, args: tuple[str, ...]) -> int:
        """Terraform in net/ with the stage's environment, attached to the terminal. A named
        stage's variables go to the commands that take them, and a by-hand ``init`` gets the
        stage's backend settings (TF_CLI_ARGS_<command>), as asml's own runs do."""
        added = self.context.environment()
        var_file = self.context.var_file
        command = args[0] if args else ""
        if var_file is not None and (command in _TAKES_VAR_FILE or (
            command == "apply" and not self._names_saved_plan(args[1:])
        )):  # fmt: skip
            added[f"TF_CLI_ARGS_{command}"] = f"-var-file={var_file}"
        if command == "init":
            added["TF_CLI_ARGS_init"] = " ".join(
                shlex.quote(f"-backend-config={key}={value}")
                for key, value in sorted(self.context.backend_config.items())
            )
        env = changed(os.environ, added)
        argv = [self.binary, f"-chdir={self.context.net_dir}", *args]
        return subprocess.run(argv, env=env, check=False).returncode

    def _names_saved_plan(self, args: tuple[str, ...]) -> bool:
        """Terraform refuses variables beside a saved plan, which holds them already."""
        net = self.context.net_dir
        return any(not a.startswith("-") and ((net / a).is_file() or Path(a).is_file())
                   for a in args)  # fmt: skip

    def apply(self, plan: Path, report: Callable[[dict[str, Any]], None]) -> None:
        """Apply a saved plan, handing each of Terraform's messages to ``report`` as it comes."""
        self._stream(["apply", "-json", "-input=false", str(plan)], "apply", report)

    def _stream(
        self, args: list[str], command: str, report: Callable[[dict[str, Any]], None]
    ) -> None:
        env = changed(os.environ, self.context.environment())
        argv = [self.binary, f"-chdir={self.context.net_dir}", *args]
        diagnostics: list[Diagnostic] = []
        other: list[str] = []
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env) as process:  # fmt: skip
            assert process.stdout is not None
            for line in process.stdout:
                message = parse(line)
                if message is None:
                    other.append(line)
                    continue
                diagnostic = diagnostic_of(message)
                if diagnostic is not None and diagnostic.severity == "error":
                    diagnostics.append(diagnostic)
                report(message)
        if process.returncode != 0:
            raise TerraformFailed(command, diagnostics, "".join(other))
