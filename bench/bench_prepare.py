"""Benchmark of making a new function ready: parse + derivative + compile.

The symbolic part is what the app does for a function it has not seen: `prepare` (parse, the
derivative in a worker process under the time bound, display simplification there too), then
compiling J in float64 for the numbers. Target: ≤ 30 ms median for the lab's functions.

Run from the repository root: .venv/bin/python bench/bench_prepare.py
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sympy.core.cache import clear_cache  # noqa: E402

from derivcore import numeric  # noqa: E402
from derivcore.bounded import warm_up  # noqa: E402
from derivcore.expressions import parse  # noqa: E402
from derivcore.numeric import compile_function  # noqa: E402
from derivcore.prepared import prepare  # noqa: E402
from derivcore.symbolic import derivative  # noqa: E402

REPEAT = 15
LAB = ["w^2", "2w", "w^3", "1/w", "1/w^2"]
OTHERS = ["exp(w)", "log(w)", "tanh(w)", "sigmoid(w)", "sqrt(w)*sin(w)"]


def median_ms(action) -> float:
    times = []
    for i in range(REPEAT):
        clear_cache()  # SymPy's own cache would otherwise answer repeats for free
        numeric._lambdified.cache_clear()  # the compile cache, so each repeat compiles
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    # No options: --help describes the run (and does not start it).
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    warm_up()
    prepare("w^2")  # the first job in each worker pays SymPy's lazy imports
    print(f"{'J':<16}{'parse':>8}{'diff':>8}{'prepare':>10}{'compile':>10}{'total':>8}   ms")
    for text in LAB + OTHERS:
        expr = parse(text)
        t_parse = median_ms(lambda i, t=text: parse(t))
        t_diff = median_ms(lambda i, e=expr: derivative(e, "w"))
        # A distinct text each time (+ 0·i) so that nothing is cached between repeats.
        t_prepare = median_ms(lambda i, t=text: prepare(f"{t} + {i + 1}*0"))
        t_compile = median_ms(lambda i, e=expr: compile_function(e, "w", "float64"))
        total = t_prepare + t_compile
        marker = "  (lab)" if text in LAB else ""
        print(
            f"{text:<16}{t_parse:>8.2f}{t_diff:>8.2f}{t_prepare:>10.2f}{t_compile:>10.2f}"
            f"{total:>8.1f}{marker}"
        )


if __name__ == "__main__":
    main()
