"""The command line the benchmarks share."""

import argparse
from typing import Literal


def bench_parser(doc: str, *, redis: Literal["required", "optional", "unused"]) -> argparse.ArgumentParser:
    """A benchmark's parser: `--help` shows the module docstring as written (it says what is measured and how
    to read the numbers), and every benchmark runs against a disposable database named by `--database-url`.
    `redis` says whether the run needs `--redis-url` too, may take one, or has no use for it."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    if redis == "required":
        parser.add_argument("--redis-url", required=True)
    elif redis == "optional":
        parser.add_argument("--redis-url", default="")
    return parser
