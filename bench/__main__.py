"""``python -m bench [--quick] [--out FILE]``: run the benchmarks and write the results table."""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from bench import build, iomods, runtime, serve, terraform
from bench.harness import machine

AREAS = {
    "build": build.tables,
    "runtime": runtime.tables,
    "iomods": iomods.tables,
    "terraform": terraform.tables,
    "serve": serve.tables,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness runs")
    parser.add_argument("--out", type=Path, help="write Markdown here (default: print it)")
    parser.add_argument("--only", choices=sorted(AREAS), action="append", help="run only these")
    args = parser.parse_args()
    started = time.perf_counter()
    sections = [f"# asml benchmarks\n\nMachine: {machine()}  \nDate: {datetime.date.today()}\n"]
    for name in args.only or AREAS:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        sections += [f"## {name}\n", *(t.markdown() for t in AREAS[name](args.quick))]
    sections.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s\n")
    text = "\n".join(sections)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"bench: wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
