"""The inputs and outputs tables in each module's README, from its variables.tf and outputs.tf.

``python -m asml.generate.module_docs`` rewrites the tables between the markers; a test fails
when a README is out of date, so the tables never drift from the code.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def _text(raw: Any) -> str:
    """A value as python-hcl2 returns it, as HCL-like text for a table cell."""
    if isinstance(raw, str):
        return raw[2:-1] if raw.startswith("${") and raw.endswith("}") else raw
    return json.dumps(raw).replace('": ', '" = ')


def _plain(raw: Any) -> str:
    """A quoted HCL string as its text."""
    text = str(raw)
    if text.startswith('"') and text.endswith('"'):
        loaded: str = json.loads(text)
        return loaded
    return text


def _cell(text: str) -> str:
    # "<id>" would read as an HTML tag
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    import hcl2

    with path.open(encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    return [
        (name.strip('"'), body) for block in parsed.get(kind, []) for name, body in block.items()
    ]


def tables(module: Path) -> str:
    lines = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|---|---|---|---|:---:|",
    ]
    for name, body in _blocks(module / "variables.tf", "variable"):
        required = "default" not in body
        default = "n/a" if required else f"`{_cell(_text(body['default']))}`"
        kind = _cell(re.sub(r"\s+", " ", _text(body.get("type", "any"))))
        description = _cell(_plain(body.get("description", "")))
        lines.append(
            f"| `{name}` | {description} | `{kind}` | {default} | {'yes' if required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in _blocks(module / "outputs.tf", "output"):
        lines.append(f"| `{name}` | {_cell(_plain(body.get('description', '')))} |")
    return "\n".join(lines)


def updated(readme: str, module: Path) -> str:
    """``readme`` with the text between the markers replaced by fresh tables."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{module / 'README.md'}: add {BEGIN} and {END} where the tables go")
    return f"{readme[: start + len(BEGIN)]}\n{tables(module)}\n{readme[end:]}"


def main() -> int:
    from asml.generate.net import ALL_MODULES, bundled_modules

    root = bundled_modules()
    for name in ALL_MODULES:
        readme = root / name / "README.md"
        text = readme.read_text(encoding="utf-8")
        fresh = updated(text, root / name)
        if fresh != text:
            readme.write_text(fresh, encoding="utf-8")
            print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
