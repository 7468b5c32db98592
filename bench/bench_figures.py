"""How long the curves and figures take to build (target: each figure ≤ 30 ms, median).

Run from the repository root: .venv/bin/python bench/bench_figures.py [--repeats N]

For ~10 typical functions it times: sampling 2000 curve points with the gap search, the default
window, the curve figure (full, compact, and with J′), and the error figure for the overview
(forward, float64) and for the full sweep (5 schemes × 3 precisions, model and exact arithmetic
shown), plus `to_json` of the full error figure, which is what Streamlit sends to the browser.
The sweep itself is computed once per function outside the timing: it is the numerics' cost, not
the figure's. Medians over the repeats; every function is built once first so caches are warm,
as they are in the app after the first view.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derivcore.curves import default_window, sample_curve  # noqa: E402
from derivcore.error_figure import error_figure  # noqa: E402
from derivcore.figures import curve_figure  # noqa: E402
from derivcore.numeric import DTYPES  # noqa: E402
from derivcore.schemes import SCHEMES  # noqa: E402
from derivcore.sweep import default_eps_grid, error_sweep  # noqa: E402

w = sympy.Symbol("w", real=True)

# (label, J, point): the lab's five, then functions a machine-learning class meets.
FUNCTIONS = [
    ("w^2 at 3", w**2, 3.0),
    ("2w at -3", 2 * w, -3.0),
    ("w^3 at 2", w**3, 2.0),
    ("1/w at 2", 1 / w, 2.0),
    ("1/w^2 at 4", 1 / w**2, 4.0),
    ("exp(w) at 1", sympy.exp(w), 1.0),
    ("sin(w) at 1", sympy.sin(w), 1.0),
    ("log(w) at 0.5", sympy.log(w), 0.5),
    ("tanh(w) at 0.5", sympy.tanh(w), 0.5),
    ("sigmoid(w) at 0", 1 / (1 + sympy.exp(-w)), 0.0),
    ("tan(w) at 1", sympy.tan(w), 1.0),
    ("sqrt(w) at 0.01", sympy.sqrt(w), 0.01),
]


def median_ms(action, repeats: int) -> float:
    action()  # warm the caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats
    eps = default_eps_grid(400)
    columns = [
        "sample 2000",
        "window",
        "curve fig",
        "compact",
        "with J′",
        "error fig 1×1",
        "error fig 5×3",
        "to_json 5×3",
    ]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"median of {repeats} runs, ms (load average {load} on {os.cpu_count()} cores)\n")
    print(f"{'function':<18}" + "".join(f"{c:>15}" for c in columns))
    worst = dict.fromkeys(columns, 0.0)
    for label, expr, x in FUNCTIONS:
        lo, hi = default_window(expr, "w", x)
        overview = error_sweep(expr, "w", x, eps, ("forward",), ("float64",))
        full = error_sweep(expr, "w", x, eps, SCHEMES, DTYPES)
        full_figure = error_figure(full, 1e-3, show_exact=True)
        timings = {
            "sample 2000": lambda e=expr, a=lo, b=hi: sample_curve(e, "w", a, b, 2000),
            "window": lambda e=expr, p=x: default_window(e, "w", p),
            "curve fig": lambda e=expr, p=x: curve_figure(e, "w", p, 1e-3),
            "compact": lambda e=expr, p=x: curve_figure(e, "w", p, 1e-3, compact=True),
            "with J′": lambda e=expr, p=x: curve_figure(e, "w", p, 1e-3, show_derivative=True),
            "error fig 1×1": lambda s=overview: error_figure(s, 1e-3, compact=True),
            "error fig 5×3": lambda s=full: error_figure(s, 1e-3, show_exact=True),
            "to_json 5×3": lambda f=full_figure: f.to_json(),
        }
        row = {name: median_ms(action, repeats) for name, action in timings.items()}
        for name, value in row.items():
            worst[name] = max(worst[name], value)
        print(f"{label:<18}" + "".join(f"{row[c]:>15.2f}" for c in columns))
    print(f"{'worst':<18}" + "".join(f"{worst[c]:>15.2f}" for c in columns))


if __name__ == "__main__":
    main()
