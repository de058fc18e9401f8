"""Run every benchmark module in bench/ (bench_*.py), each printing its own ratios.

Benchmarks compare things measured side by side in one run, never absolute times against a limit.
A benchmark whose main() returns False found its verdict failed (a budget exceeded): the run goes on
with the others, then exits with status 1.
Usage: make bench, or python -m bench NAME... to run only some.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    django.setup()
    chosen = set(sys.argv[1:])
    failed = []
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if chosen and path.stem.removeprefix("bench_") not in chosen:
            continue
        print(f"== {path.stem}")
        if importlib.import_module(f"bench.{path.stem}").main() is False:
            failed.append(path.stem)
    if failed:
        print(f"failed verdicts: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
