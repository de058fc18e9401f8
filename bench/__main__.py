"""Run every benchmark module in bench/ (bench_*.py), each printing its own ratios.

Benchmarks compare things measured side by side in one run, never absolute times against a limit.
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
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if chosen and path.stem.removeprefix("bench_") not in chosen:
            continue
        print(f"== {path.stem}")
        importlib.import_module(f"bench.{path.stem}").main()


if __name__ == "__main__":
    main()
