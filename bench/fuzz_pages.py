"""Fuzz every page with generated hostile input, longer than CI does (tests/test_fuzz_pages.py).

For each case (a function from tests/fuzz_inputs.py's grammar at a hostile point) every page is
opened in AppTest; prints the slowest runs and every exception box or overrun, then a summary.

    .venv/bin/python bench/fuzz_pages.py --count 200 --seed 1
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="generated cases (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--depth", type=int, default=3, help="nesting depth (default 3)")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds per page (default 8)")
    args = parser.parse_args()

    from fuzz_inputs import cases
    from pages import PAGES, open_page

    from derivcore.bounded import wait_until_ready

    wait_until_ready()
    open_page("overview")
    timings, failures = [], []
    for query in cases(args.seed, args.count, args.depth):
        for page in PAGES:
            start = time.monotonic()
            try:
                open_page(page, **query)
                problem = None
            except AssertionError as err:
                problem = f"exception box: {err}"
            elapsed = time.monotonic() - start
            if problem is None and elapsed > args.budget:
                problem = f"over budget: {elapsed:.1f} s"
            timings.append((elapsed, page, query))
            if problem:
                failures.append((page, query, problem))
                print(f"FAIL {page} {query}: {problem}", flush=True)
    timings.sort(key=lambda t: t[0])
    print("slowest runs:")
    for elapsed, page, query in timings[-5:]:
        print(f"  {elapsed:6.2f} s  {page:<11} {query}")
    median = timings[len(timings) // 2][0]
    print(f"{len(timings)} page runs, median {median:.2f} s, {len(failures)} failures")


if __name__ == "__main__":
    main()
