"""Benchmark of the numerics: compiling J, the full error sweep, and the lab's `subs` way.

Run from the repository root: .venv/bin/python bench/bench_numerics.py
Prints medians of time.perf_counter over repeated runs (numbers, not pass/fail).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

from derivcore import error_model, numeric, precise, reference  # noqa: E402
from derivcore.finite_differences import difference_quotients  # noqa: E402
from derivcore.numeric import COMPLEX_DTYPES, DTYPES, compile_function  # noqa: E402
from derivcore.schemes import SCHEMES  # noqa: E402
from derivcore.sweep import default_eps_grid, error_sweep  # noqa: E402

REPEAT = 20
w = sympy.Symbol("w", real=True)
FUNCTIONS = [  # (J, x): the lab's five, then typical ML-course functions
    (w**2, 3.0),
    (2 * w, 3.0),
    (w**3, 2.0),
    (1 / w, 2.0),
    (1 / w**2, 4.0),
    (sympy.exp(w), 1.0),
    (sympy.log(w), 0.5),
    (sympy.tanh(w), 0.5),
    (1 / (1 + sympy.exp(-w)), 0.0),
    (sympy.sqrt(w) * sympy.sin(w), 1.0),
]


def median_ms(action, repeat=REPEAT, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def clear_compile_caches():
    numeric._lambdified.cache_clear()
    precise.precise_function.cache_clear()
    reference.first_derivative.cache_clear()


def clear_model_caches():
    reference.taylor_derivatives.cache_clear()
    error_model._breakdown_eps.cache_clear()


def compile_all(expr):
    for dtype in (*DTYPES, *COMPLEX_DTYPES.values()):
        compile_function(expr, "w", dtype)
    precise.precise_function(expr, "w")
    precise.precise_function(reference.first_derivative(expr, "w"), "w")


def full_sweep(expr, x):
    sweep = error_sweep(expr, "w", x, default_eps_grid(), SCHEMES, DTYPES)
    for scheme in SCHEMES:
        for dtype in DTYPES:
            sweep.abs_error(scheme, dtype)
            sweep.rel_error(scheme, dtype)
            sweep.exact_zero(scheme, dtype)
            sweep.nan_reason(scheme, dtype)
            sweep.model(scheme, dtype)
            sweep.measured_best(scheme, dtype)
        sweep.exact_arithmetic_error(scheme)
    return sweep


def parts_ms(expr, x) -> dict[str, float]:
    """Medians of the parts of one full sweep (compile caches warm, model caches cleared)."""
    timings: dict[str, list[float]] = {}
    for _ in range(REPEAT):
        clear_model_caches()
        start = time.perf_counter()
        sweep = error_sweep(expr, "w", x, default_eps_grid(), SCHEMES, DTYPES)
        steps = [("k for 15 curves", None)]
        marks = [time.perf_counter()]
        for name, method in [
            ("errors", sweep.abs_error),
            ("reasons", sweep.nan_reason),
            ("smoothed best", sweep.measured_best),
            ("model", sweep.model),
        ]:
            for scheme in SCHEMES:
                for dtype in DTYPES:
                    method(scheme, dtype)
            steps.append((name, None))
            marks.append(time.perf_counter())
        for scheme in SCHEMES:
            sweep.exact_arithmetic_error(scheme)
        steps.append(("exact arithmetic", None))
        marks.append(time.perf_counter())
        for (name, _), begin, end in zip(steps, [start, *marks[:-1]], marks, strict=True):
            timings.setdefault(name, []).append(1e3 * (end - begin))
    return {name: statistics.median(values) for name, values in timings.items()}


def lab_way_per_point_ms(expr, x, eps_values) -> float:
    """k = (J(x+ε) − J(x))/ε the lab's way: SymPy `subs` for every point. SymPy's cache is
    cleared first: it would otherwise answer repeated points without computing them."""
    clear_cache()
    start = time.perf_counter()
    for eps in eps_values:
        float((expr.subs(w, x + eps) - expr.subs(w, x)) / eps)
    return 1e3 * (time.perf_counter() - start) / len(eps_values)


def machine_note() -> str:
    """The load and the time of a fixed pure-Python loop: this machine is shared, so the numbers
    below scale with it (an idle 2-core machine runs the loop in roughly 40-60 ms)."""
    start = time.perf_counter()
    total = 0
    for i in range(10**6):
        total += i
    loop_ms = 1e3 * (time.perf_counter() - start)
    return f"load average {os.getloadavg()[0]:.1f}, 10⁶-step Python loop {loop_ms:.0f} ms"


def main() -> None:
    # No options: --help describes the run (and does not start it).
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    grid = default_eps_grid()
    print(machine_note())
    print(
        f"numerics benchmark: medians of {REPEAT} runs, ms "
        f"(numpy {np.__version__}, sympy {sympy.__version__})"
    )
    print(
        f"{'J':<22}{'x':>5}{'compile':>10}{'sweep':>9}{'sweep*':>9}{'numeric fwd':>13}"
        f"{'subs/pt':>10}{'speed-up':>11}"
    )
    compiles, sweeps, cold, ratios = [], [], [], []
    for expr, x in FUNCTIONS:
        compile_ms = median_ms(lambda e=expr: compile_all(e), before=clear_compile_caches)
        full_sweep(expr, x)  # warm the compile caches
        sweep_ms = median_ms(lambda e=expr, p=x: full_sweep(e, p))
        cold_ms = median_ms(lambda e=expr, p=x: full_sweep(e, p), before=clear_model_caches)
        function = compile_function(expr, "w", "float64")
        forward_ms = median_ms(
            lambda f=function, p=x: difference_quotients(f, p, grid, "forward", "float64")
        )
        subs_ms = statistics.median(
            lab_way_per_point_ms(expr, x, grid[start::20]) for start in range(5)
        )
        ratio = subs_ms / (forward_ms / len(grid))
        compiles.append(compile_ms)
        sweeps.append(sweep_ms)
        cold.append(cold_ms)
        ratios.append(ratio)
        print(
            f"{str(expr):<22}{x:>5g}{compile_ms:>10.2f}{sweep_ms:>9.2f}{cold_ms:>9.2f}"
            f"{forward_ms:>13.3f}{subs_ms:>10.3f}{ratio:>10.0f}×"
        )
    print()
    print(
        f"compile J for 5 dtypes + mpmath J and J′ (median of medians): "
        f"{statistics.median(compiles):.2f} ms, worst {max(compiles):.2f} ms"
    )
    print(
        f"full sweep 400 ε × 5 schemes × 3 dtypes with errors, reasons, model, smoothed best "
        f"and the exact-arithmetic curve: {statistics.median(sweeps):.2f} ms "
        f"(worst {max(sweeps):.2f} ms; target ≤ 40 ms)"
    )
    print(
        f"  sweep* = the same with the model's derivative and breakdown caches cleared: "
        f"{statistics.median(cold):.2f} ms (worst {max(cold):.2f} ms)"
    )
    parts = parts_ms(sympy.exp(w), 1.0)
    print("  its parts for exp(w) at 1: " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))
    print(machine_note())
    print(
        f"numeric forward sweep vs SymPy subs per point: speed-up "
        f"{statistics.median(ratios):.0f}× (lowest {min(ratios):.0f}×; target ≥ 1000×)"
    )


if __name__ == "__main__":
    main()
