"""The explanation of the V uses the student's own numbers; the CSV holds the sweep exactly."""

import csv
import io
import math

import numpy as np
import sympy

from derivcore.error_sweep import default_eps_grid, error_sweep
from derivcore.explain import error_explanation
from derivcore.sweep_csv import sweep_to_csv

w = sympy.Symbol("w", real=True)


def test_explanation_for_the_labs_square_at_3():
    sweep = error_sweep(w**2, "w", 3.0, default_eps_grid(), ("forward",), ("float64",))
    text = error_explanation(sweep, 1e-3)
    # Forward truncation of w^2 is exactly (J''/2)·ε = ε: at ε = 1e-3 it is 1.0e-03, and at the
    # lab's ε = 1e-9 it is 1.0e-09 (by hand).
    assert "At your ε = 0.001: truncation ≈ 1.0e-03" in text
    assert "At the lab's ε = 1e-09: truncation ≈ 1.0e-09" in text
    assert "the lab's ε = 1e-9 gives a k whose error" in text
    # 3 + ε == 3 in float64 up to half an ulp of 3: ulp(3) = 2^-51, half of it 2^-52 ≈ 2.2e-16.
    assert "Below ε ≈ 2.2e-16" in text


def test_explanation_where_the_derivative_does_not_exist():
    sweep = error_sweep(1 / w, "w", 0.0, default_eps_grid(), ("forward",), ("float64",))
    assert "not defined at w = 0" in error_explanation(sweep, 1e-3)


def test_csv_round_trips_the_sweep():
    sweep = error_sweep(
        sympy.sin(w), "w", 1.0, default_eps_grid(50), ("forward", "central"), ("float64",)
    )
    rows = list(csv.reader(io.StringIO(sweep_to_csv(sweep))))
    assert rows[0] == [
        "eps",
        "k_forward_float64",
        "abs_error_forward_float64",
        "rel_error_forward_float64",
        "k_central_float64",
        "abs_error_central_float64",
        "rel_error_central_float64",
    ]
    assert len(rows) == 51
    eps = np.array([float(r[0]) for r in rows[1:]])
    k_central = np.array([float(r[4]) for r in rows[1:]])
    assert np.array_equal(eps, sweep.eps)
    assert np.array_equal(k_central, sweep.estimate("central", "float64"))
    # Independent check of one entry: the central formula in plain Python floats near ε = 1e-2.
    i = int(np.argmin(abs(np.log10(eps) + 2)))
    h = float(eps[i])
    assert k_central[i] == (math.sin(1 + h) - math.sin(1 - h)) / (2 * h)
