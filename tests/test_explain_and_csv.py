"""The explanation of the V uses the student's own numbers; the CSV holds the sweep exactly."""

import csv
import io
import math

import mpmath
import numpy as np
import sympy

from derivcore.explain import error_explanation
from derivcore.sweep import default_eps_grid, error_sweep
from derivcore.sweep_csv import sweep_to_csv

w = sympy.Symbol("w", real=True)


def test_explanation_for_the_labs_square_at_3():
    sweep = error_sweep(w**2, "w", 3.0, default_eps_grid(), ("forward",), ("float64",))
    text = error_explanation(sweep, 1e-3)
    # Forward truncation of w^2 is exactly (J''/2)·ε = ε: at ε = 1e-3 it is 1.0e-03, and at the
    # lab's ε = 1e-9 it is 1.0e-09 (by hand).
    assert "At your ε = 0.001: truncation ≈ 1.0e-03" in text
    assert "At the lab's ε = 1e-09: truncation ≈ 1.0e-09" in text
    # The lab's ε is sentenced by the measured numbers: at the grid's ε nearest 1e-9 the
    # error of Python's own formula, against J′(3) = 6, is over a thousand times ε, and the
    # model's rounding (4e-15/ε) is far above its truncation (ε): rounding decides.
    h = float(sweep.eps[np.argmin(abs(np.log10(sweep.eps) + 9))])
    error = abs(((3 + h) ** 2 - 3**2) / h - 6)
    assert f"measured at ε = {h:.2g}: {error:.1e}, {error / h:.3g} times ε itself" in text
    assert "at that step rounding, not truncation, decides" in text
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


def _lab_sentence(f, x, scheme="forward"):
    sweep = error_sweep(f, "w", x, default_eps_grid(), (scheme,), ("float64",))
    text = error_explanation(sweep, 1e-3)
    h = float(sweep.eps[np.argmin(abs(np.log10(sweep.eps) + 9))])
    return sweep, text, h


def test_the_labs_step_is_not_called_rounding_dominated_where_truncation_decides():
    # sqrt at 1e-4: truncation J″/2·ε = x^(-3/2)/8·ε ≈ 1.25e5·1e-9 ≈ 1.2e-4, rounding
    # u·|J|/ε ≈ 1.1e-16·0.01/1e-9 ≈ 1e-9 (by hand): truncation decides.
    _, text, _ = _lab_sentence(sympy.sqrt(w), 1e-4)
    assert "truncation still decides" in text
    assert "rounding, not truncation" not in text
    # atan at 0.7: the error is tens of times ε, not "hundreds": the ratio is computed.
    _, text, h = _lab_sentence(sympy.atan(w), 0.7)
    error = abs((math.atan(0.7 + h) - math.atan(0.7)) / h - 1 / (1 + 0.7**2))
    assert f"{error / h:.3g} times ε itself" in text and error / h < 100


def test_a_zero_error_at_a_stationary_point_is_explained_not_called_rounding():
    # cosh at 0: cosh(1e-9) rounds to 1.0, so k = 0 = J′(0) exactly.
    _, text, _ = _lab_sentence(sympy.cosh(w), 0.0)
    assert "k = 0, which here is J′ itself" in text
    assert "every w ± ε rounds back" not in text  # at w = 0, w + ε is ε: it never does
    assert "0.0e+00, w + ε" not in text


def test_the_complex_step_text_speaks_of_no_subtraction():
    _, text, _ = _lab_sentence(sympy.exp(w), 1.0, "complex_step")
    assert "subtracts nothing" in text
    assert "subtraction of nearly equal" not in text and "*worse*" not in text


def test_what_k_is_below_the_breakdown_is_read_from_k():
    # Five-point: all four values equal J(1) = e, yet (e − 8e + 8e − e)/(12ε) in floats is the
    # rounding residue of −7e + 8e, not 0: the text says "not 0".
    sweep, text, _ = _lab_sentence(sympy.exp(w), 1.0, "five_point")
    below = sweep.eps <= sweep.model("five_point", "float64").breakdown_eps
    assert np.all(sweep.estimate("five_point", "float64")[below] != 0)
    assert "not 0" in text and "so k = 0" not in text
    # A stationary point: k = 0 and J′ = 0, so no "relative error 1".
    sweep = error_sweep((w - 1) ** 2, "w", 1.0, default_eps_grid(), ("forward",), ("float64",))
    text = error_explanation(sweep, 1e-20)
    assert "so k = 0." in text and "relative error" not in text
    # Your ε below the breakdown: no model value is quoted for it.
    assert "At your ε = 1e-20, w + ε == w in float64: the model does not apply" in text


def test_a_derivative_beyond_float64_is_not_called_undefined():
    sweep = error_sweep(sympy.exp(w), "w", 1000.0, default_eps_grid(), ("forward",), ("float64",))
    text = error_explanation(sweep, 1e-3)
    assert "not defined" not in text and "beyond the range of float64" in text


# Audit of 2026-12-01: sentences the page showed that its own numbers contradicted.
HALF_PI = math.pi / 2  # the float nearest π/2, where J′ = cos(HALF_PI) = 6.1e-17


def test_k_equal_to_zero_is_named_where_truncation_was_said_to_decide():
    # sin at π/2, lab's ε: sin(π/2 + 9.5e-10) rounds to sin(π/2) = 1.0 in float64 (checked here),
    # so k = 0 and the error is |J′|: neither truncation nor the model's rounding decides.
    _, text, h = _lab_sentence(sympy.sin(w), HALF_PI)
    assert math.sin(HALF_PI + h) == math.sin(HALF_PI)
    assert "k = 0: J(w + ε) rounds to J(w) at that step, so the error is |J′| itself" in text
    assert "truncation still decides" not in text


def test_no_step_is_said_to_give_k_equal_to_zero_where_k_moves():
    # sin at π/2, ε = 1e-3: k = (sin(π/2 + 1e-3) − 1)/1e-3 ≈ −5e-4 ≠ 0 (by hand, −ε/2).
    assert (math.sin(HALF_PI + 1e-3) - 1) / 1e-3 < -4e-4
    _, text, _ = _lab_sentence(sympy.sin(w), HALF_PI)
    assert "at every step that moves" not in text
    assert "nothing beats k = 0" in text  # what the model does claim: |J′| is the best error
    # cos at 0: J′ = 0, so k = 0 is exactly right, not an error of |J′| = 0 to beat.
    _, text, _ = _lab_sentence(sympy.cos(w), 0.0)
    assert "J′ = 0 here" in text and "no ε does better than the error |J′| = 0" not in text


def test_the_rounding_part_is_not_zero_where_the_values_of_j_differ():
    # cos at 0, ε = 1e-3: cos(1e-3) ≠ 1, so rounding is R/ε with R = u·2·|cos 0| = 2^-52 (the
    # forward weights |1| + |−1|), not the cap |J′| = 0 that holds only where values round alike.
    sweep = error_sweep(sympy.cos(w), "w", 0.0, default_eps_grid(), ("forward",), ("float64",))
    model = sweep.model("forward", "float64")
    assert float(model.rounding(1e-3)) == 2.0**-52 / 1e-3
    assert math.cos(1e-9) == 1.0 and float(model.rounding(1e-9)) == 0.0


def test_the_taylor_statement_keeps_a_small_leading_term():
    # sigmoid at 40: J″(40) = σ(1 − σ)(1 − 2σ) ≠ 0 (mpmath below), so k − J′ has an ε¹ term even
    # though the model keeps the ε² one.
    with mpmath.workdps(50):
        s = 1 / (1 + mpmath.exp(-40))
        assert abs(s * (1 - s) * (1 - 2 * s)) > 1e-18
    _, text, _ = _lab_sentence(1 / (1 + sympy.exp(-w)), 40.0)
    assert "k = J′(w) + a·ε^1 + C·ε^2" in text


def test_a_model_far_from_the_measurement_is_not_quoted_as_describing_it():
    # sqrt at 1e-8, ε = 1e-3: the model's J″/2·ε = x^(-3/2)/8·ε = 1.25e8 (by hand), the measured
    # error |(sqrt(x + ε) − sqrt(x))/ε − 1/(2 sqrt x)| about 5e3: far outside the ε² ≪ x range.
    sweep = error_sweep(sympy.sqrt(w), "w", 1e-8, default_eps_grid(), ("forward",), ("float64",))
    text = error_explanation(sweep, 1e-3)
    assert "the model is more than 10× above the measured error here" in text
    # softplus at −40: J computes as log(1 + e^-40) = log(1.0) = 0, so k = 0 at every ε and the
    # error is J′ = σ(−40) ≈ 4.2e-18 everywhere, far above the model's "best" 4e-25.
    assert math.log(1 + math.exp(-40)) == 0.0
    sweep = error_sweep(
        sympy.log(1 + sympy.exp(w)), "w", -40.0, default_eps_grid(), ("forward",), ("float64",)
    )
    text = error_explanation(sweep, 1e-3)
    assert "smaller steps make the answer *worse*" not in text
    assert "the measured error never gets below 4.2e-18" in text


def test_k_is_said_to_collapse_at_zero_where_j_of_eps_rounds_to_j_of_zero():
    # exp at 0: exp(ε) rounds to 1.0 for ε below about 1.1e-16 (numpy over the grid, below).
    sweep = error_sweep(sympy.exp(w), "w", 0.0, default_eps_grid(), ("forward",), ("float64",))
    largest = float(sweep.eps[np.exp(sweep.eps) == 1.0].max())
    text = error_explanation(sweep, 1e-3)
    assert f"k = 0 for ε up to {largest:.1e} here" in text
    assert "k stays a real difference quotient" not in text


def test_an_exact_zero_error_is_not_put_down_to_luck():
    # sin at 0: sin(ε) rounds to ε for small ε, so k = sin(ε)/ε is 1.0 = J′ exactly (systematic).
    _, text, h = _lab_sentence(sympy.sin(w), 0.0)
    assert math.sin(h) / h == 1.0
    assert "the computed k equals J′ to the last bit" in text
    assert "happened to cancel" not in text


def test_no_code_name_in_the_text():
    _, text, _ = _lab_sentence(sympy.exp(w), 1.0, "complex_step")
    assert "best_eps" not in text
