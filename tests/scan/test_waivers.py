"""The checkov waivers asml ships and docs/terraform.md's table of them say the same: every
`# checkov:skip=` in modules/, the net/ templates and the examples' user_tf/ has its row (check,
file, resource), and every row its waiver, so a waiver is never added unsaid nor a fixed check
left listed."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)\s*(?::\s*(.*))?$")
# resource "T" "N" {, data "T" "N" {, module "N" { (in a template: module {{ label }} {)
BLOCK = re.compile(r'^(?:(resource|data) "([^"]+)" "([^"]+)"|module (.+?)) *\{$')
ROW = re.compile(r"^\| `(CKV2?_[A-Z0-9]+_\d+)` \| `([^`]+)` `([^`]+)` \| (.+) \|$")


def _sources() -> list[Path]:
    templates = REPO / "generator" / "asml" / "generate" / "templates"
    user_tf = (REPO / "examples").glob("*/user_tf/*.tf")
    return sorted([*(REPO / "modules").rglob("*.tf"), *templates.glob("*.j2"), *user_tf])


def waivers_in_code() -> dict[tuple[str, str, str], str]:
    """(check id, file, resource address) -> reason, for every waiver in the sources."""
    found: dict[tuple[str, str, str], str] = {}
    for path in _sources():
        block = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            opened = BLOCK.match(line)
            if opened:
                kind, kind_name, name, module = opened.groups()
                if module is not None:
                    block = "module." + module.strip('"')
                else:
                    block = f"{'data.' if kind == 'data' else ''}{kind_name}.{name}"
            skip = SKIP.search(line)
            where = f"{path.relative_to(REPO).as_posix()}:{number}"
            if skip:
                check, reason = skip.groups()
                assert block is not None, f"{where}: a waiver outside any block does nothing"
                assert reason and len(reason.split()) >= 4, f"{where}: {check} needs its reason"
                assert len(reason) <= 200, f"{where}: {check}'s reason is one line, not a page"
                found[(check, path.relative_to(REPO).as_posix(), block)] = reason
            if line.startswith("}"):
                block = None
    return found


def waivers_in_docs() -> dict[tuple[str, str, str], str]:
    text = (REPO / "docs" / "terraform.md").read_text(encoding="utf-8")
    assert "\n## Security scan (checkov)\n" in text
    section = text.split("\n## Security scan (checkov)\n", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines()]
    return {(m[1], m[2], m[3]): m[4] for m in rows if m}


def test_every_waiver_is_in_the_docs_table_and_every_row_is_a_waiver() -> None:
    code, docs = waivers_in_code(), waivers_in_docs()
    assert code, "no waivers found: has the checkov:skip syntax changed?"
    undocumented = sorted(f"| `{c}` | `{f}` `{r}` | {why} |" for (c, f, r), why in code.items()
                          if (c, f, r) not in docs)  # fmt: skip
    assert undocumented == [], (
        "add these rows to the table of waivers in docs/terraform.md:\n" + "\n".join(undocumented)
    )
    stale = sorted(" ".join(key) for key in docs if key not in code)
    assert stale == [], "docs/terraform.md lists waivers the code no longer has:\n" + "\n".join(
        stale
    )
