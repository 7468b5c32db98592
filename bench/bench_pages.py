"""Server-side script time of every page, through AppTest: a run with a function never seen
before (parse, differentiate, compile, sweep) and a rerun after moving ε (cached: array work only).

Run from the repo root: .venv/bin/python bench/bench_pages.py [--repeats N]
Targets (median, 2-core machine): new function ≤ 150 ms, ε change ≤ 50 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pages import EXPLORER, open_page  # noqa: E402

FUNCTIONS = [
    "w^2",
    "1/w^2",
    "w^3",
    "sin(w)",
    "exp(w)",
    "log(w)",
    "sigmoid(w)",
    "tanh(w)",
    "sqrt(w)",
    "w^2 sin(w)",
]


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=1, help="rounds over the functions (default 1)"
    )
    repeats = parser.parse_args().repeats
    print(
        f"{'page':<22}{'new function ms':>18}{'ε change ms':>14}   (median over "
        f"{len(FUNCTIONS) * repeats} functions)"
    )
    for page_number, page in enumerate(EXPLORER):
        new, moved = [], []
        for r in range(repeats):
            for i, f in enumerate(FUNCTIONS):
                at = open_page(page)
                # A distinct J each time (a new constant term), so that no cache of the app, of
                # SymPy or of the compiled functions has seen it: the cold path.
                text = f"{f} + {r * 100 + i + page_number * 1000 + 1}"
                new.append(timed(lambda t=text, a=at: a.text_input(key="f").set_value(t).run()))
                moved.append(timed(lambda a=at: a.text_input(key="eps").set_value("1e-6").run()))
                assert not at.exception, [e.value for e in at.exception]
        print(f"{page:<22}{statistics.median(new):>18.1f}{statistics.median(moved):>14.1f}")


if __name__ == "__main__":
    main()
