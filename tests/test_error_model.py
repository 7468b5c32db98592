"""The error model: truncation from exact derivatives, rounding u·A/ε, zeros handled."""

import math
from fractions import Fraction

import mpmath as _mp
import numpy as np
import pytest

from derivcore.error_model import (
    UNIT_ROUNDOFF,
    ErrorModel,
    breakdown_eps,
    error_model,
    not_applicable_model,
    truncation_series,
)
from derivcore.expressions import parse
from derivcore.reference import taylor_derivatives
from derivcore.sweep import default_eps_grid, error_sweep

U64 = 2.0**-53
E = math.e
EXP_AT_1 = [E] * 10  # every derivative of exp at 1
# sigmoid at 0: σ = 1/2, σ′ = 1/4, σ″ = 0, σ‴ = −1/8, σ⁗ = 0, σ⁽⁵⁾ = 1/4 (hand Taylor series:
# σ(x) = 1/2 + x/4 − x³/48 + x⁵/480 − 17x⁷/80640 + ...)
SIGMOID_AT_0 = [0.5, 0.25, 0.0, -1 / 8, 0.0, 1 / 4, 0.0, -17 / 16, 0.0, 31 / 4]
SQUARE_AT_3 = [9.0, 6.0, 2.0] + [0.0] * 7
COS_AT_0 = [1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0]
CUBE_AT_0 = [0.0, 0.0, 0.0, 6.0] + [0.0] * 6


def test_unit_roundoff():
    assert UNIT_ROUNDOFF == {"float64": 2.0**-53, "float32": 2.0**-24, "float16": 2.0**-11}
    for dtype, u in UNIT_ROUNDOFF.items():
        assert u == float(np.finfo(dtype).eps) / 2


def test_truncation_series_coefficients():
    # Taylor: forward (f(x+h) − f(x))/h − f′ = f″h/2 + f‴h²/6 + ...
    assert truncation_series("forward")[:3] == [
        (2, Fraction(1, 2)),
        (3, Fraction(1, 6)),
        (4, Fraction(1, 24)),
    ]
    assert truncation_series("central")[:2] == [(3, Fraction(1, 6)), (5, Fraction(1, 120))]
    # five-point: Σ f⁽ⁿ⁾hⁿ⁻¹(8 − 2ⁿ)/(6·n!): 1/30 for n = 5, 1/252 for n = 7
    assert truncation_series("five_point")[:2] == [(5, Fraction(1, 30)), (7, Fraction(1, 252))]
    assert truncation_series("complex_step")[0] == (3, Fraction(1, 6))


def test_forward_model_for_exp_at_1_matches_the_hand_formulas():
    model = error_model("forward", "float64", 1.0, EXP_AT_1)
    assert isinstance(model, ErrorModel)
    assert model.order == 1
    assert model.truncation_coefficient == pytest.approx(E / 2, rel=1e-15)
    # A = 2|f| + |x f′| = 3e
    assert model.rounding_coefficient == pytest.approx(U64 * 3 * E, rel=1e-15)
    assert model.rounding_floor == pytest.approx(U64 * E, rel=1e-15)
    h = math.sqrt(U64 * 3 * E / (E / 2))
    assert model.best_eps == pytest.approx(h, rel=1e-12)
    assert model.best_error == pytest.approx(E / 2 * h + U64 * 3 * E / h + U64 * E, rel=1e-12)
    eps = np.array([1e-10, 1e-8, 1e-4])
    np.testing.assert_allclose(model.truncation(eps), E / 2 * eps)
    np.testing.assert_allclose(model.rounding(eps), U64 * 3 * E / eps + U64 * E)
    np.testing.assert_allclose(model.total(eps), model.truncation(eps) + model.rounding(eps))
    assert model.total(eps[1:2]).argmin() == 0


def test_design_table_optimal_steps():
    # central: h* = (3u|f|/|f‴|)^(1/3) when the |x·f′| term is removed (step trick)
    central = error_model("central", "float64", 1.0, EXP_AT_1, step_trick=True)
    assert central.best_eps == pytest.approx((3 * U64) ** (1 / 3), rel=1e-12)
    five = error_model("five_point", "float64", 1.0, EXP_AT_1, step_trick=True)
    assert five.best_eps == pytest.approx((11.25 * U64) ** (1 / 5), rel=1e-12)
    forward = error_model("forward", "float32", 1.0, EXP_AT_1, step_trick=True)
    assert forward.best_eps == pytest.approx(2 * math.sqrt(2.0**-24), rel=1e-12)


def test_sigmoid_at_0_falls_back_to_the_next_term():
    model = error_model("forward", "float64", 0.0, SIGMOID_AT_0)
    assert model.order == 2
    assert model.truncation_coefficient == pytest.approx(1 / 48)
    assert "J″ = 0" in model.note
    assert 0 < model.best_eps < 1 and math.isfinite(model.best_error)
    # at x = 0 there is no representation error: A = 2|f| = 1
    assert model.rounding_coefficient == U64
    assert model.best_eps == pytest.approx((U64 / (2 / 48)) ** (1 / 3), rel=1e-12)
    for scheme in ["backward", "central", "five_point", "complex_step"]:
        m = error_model(scheme, "float32", 0.0, SIGMOID_AT_0)
        assert np.isfinite(m.total(np.logspace(-20, 0, 50))).all()
        assert m.best_eps is None or m.best_eps > 0


def test_square_forward_is_exactly_eps_and_central_has_no_truncation():
    forward = error_model("forward", "float64", 3.0, SQUARE_AT_3)
    assert forward.truncation_coefficient == 1.0 and forward.order == 1
    central = error_model("central", "float64", 3.0, SQUARE_AT_3)
    assert central.truncation_coefficient == 0.0
    assert central.best_eps is None
    assert central.best_error == U64 * 6  # the floor u·|f′|: the infimum as ε grows
    assert "as large as you like" in central.note
    assert np.isfinite(central.total(np.logspace(-20, 0, 9))).all()


def test_complex_step_rounding_does_not_grow():
    model = error_model("complex_step", "float64", 1.0, EXP_AT_1)
    assert model.rounding_coefficient == 0.0
    assert model.rounding_floor == pytest.approx(U64 * E)
    assert model.best_error == model.rounding_floor
    # where truncation |f‴|/6·ε² falls to the floor
    assert model.best_eps == pytest.approx(math.sqrt(U64 * E / (E / 6)))
    assert model.rounding(np.array([1e-30]))[0] == model.rounding_floor


def test_zero_derivative_everywhere_and_zero_rounding():
    cosine = error_model("complex_step", "float64", 0.0, COS_AT_0)
    assert cosine.best_eps is None and cosine.best_error == 0.0
    cube = error_model("forward", "float64", 0.0, CUBE_AT_0)
    assert cube.best_eps is None and cube.best_error == 0.0
    assert "as small as you like" in cube.note
    assert cube.truncation(np.array([1e-3]))[0] == pytest.approx(1e-6)


def test_tiny_but_nonzero_leading_derivative_keeps_the_limiting_term():
    # cos near π/2 in float64: f″ = −cos(x) ≈ −6e-17, f‴ = sin(x) ≈ 1
    x = math.pi / 2
    c, s = math.cos(x), math.sin(x)
    derivatives = [c, -s, -c, s, c, -s, -c, s, c, -s]
    model = error_model("forward", "float64", x, derivatives)
    assert model.order == 2 and model.truncation_coefficient == pytest.approx(1 / 6)
    assert "tiny" in model.note


def test_breakdown_eps_by_hand():
    # 1 + 2⁻⁵³ is a tie and rounds to even, i.e. back to 1; the next float up does not.
    assert breakdown_eps(1.0, "forward", "float64") == 2.0**-53
    # below 1 the floats are twice as dense: 1 − ε stays 1 up to 2⁻⁵⁴
    assert breakdown_eps(1.0, "backward", "float64") == 2.0**-54
    assert breakdown_eps(1.0, "central", "float64") == 2.0**-54
    assert breakdown_eps(1.0, "five_point", "float64") == 2.0**-55
    # float32 at 3: half-spacing 2⁻²³; float64 ε up to the midpoint 2⁻²³ + 2⁻⁴⁷ rounds to it
    assert breakdown_eps(3.0, "forward", "float32") == 2.0**-23 + 2.0**-47
    # at 0 the step itself has to underflow: never in float64, below 2⁻²⁵ in float16
    assert breakdown_eps(0.0, "forward", "float64") == 0.0
    assert breakdown_eps(0.0, "forward", "float16") == 2.0**-25
    assert breakdown_eps(2.0, "complex_step", "float64") == 0.0
    assert breakdown_eps(2.0, "complex_step", "float32") == 2.0**-150
    for dtype in ["float64", "float32", "float16"]:
        x = np.dtype(dtype).type(0.1)
        limit = breakdown_eps(0.1, "forward", dtype)
        assert x + np.dtype(dtype).type(limit) == x
        assert x + np.dtype(dtype).type(np.nextafter(limit, 1.0)) != x


def test_float16_model_says_that_the_step_itself_underflows():
    model = error_model("forward", "float16", 3.0, SQUARE_AT_3)
    assert "2.98e-08" in model.note
    assert model.breakdown_eps == 2.0**-10 + 2.0**-21  # half-spacing at 3, up to its midpoint


def test_models_that_cannot_exist():
    undefined = error_model("forward", "float64", 0.0, [math.nan] * 10)
    assert undefined.best_eps is None and math.isnan(undefined.truncation_coefficient)
    assert np.isnan(undefined.total(np.array([1e-3]))).all()
    reason = not_applicable_model("complex_step", "float16", "no complex float16")
    assert reason.note == "no complex float16" and reason.best_error is None
    with pytest.raises(ValueError, match="n = 0"):
        error_model("forward", "float64", 1.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="scheme"):
        error_model("backwards", "float64", 1.0, EXP_AT_1)


# --- the model keeps real derivatives (near singularities, at large |w|) ----------------------



@pytest.mark.parametrize(
    ("text", "x", "second"),
    [
        # by hand: sqrt″ = −x^(−3/2)/4, log″ = −1/x², atan″ = −2x/(1 + x²)², sin″ = −sin
        ("sqrt(w)", 1e-7, lambda x: -(x ** _mp.mpf(-1.5)) / 4),
        ("log(w)", 1e-7, lambda x: -1 / x**2),
        ("atan(w)", 1e8, lambda x: -2 * x / (1 + x**2) ** 2),
        ("sin(w)", 1e300, lambda x: -_mp.sin(x)),
    ],
)
def test_second_derivatives_keep_their_size(text, x, second):
    derivatives = taylor_derivatives(parse(text), "w", x, ())
    assert derivatives[2] != 0
    with _mp.workdps(50):
        assert derivatives[2] == pytest.approx(float(second(_mp.mpf(x))), rel=1e-12)


@pytest.mark.parametrize(
    ("text", "x"),
    [("sqrt(w)", 1e-7), ("log(w)", 1e-7), ("exp(w)", 1.0), ("sigmoid(w)", 0.0), ("w^2", 3.0),
     ("1/w", 1e-5), ("sin(w)", 1e300), ("tanh(w)", 20.0), ("atan(w)", 0.7)],
)
@pytest.mark.parametrize("scheme", ["forward", "central"])
def test_the_models_best_error_is_within_a_few_times_the_measured_one(text, x, scheme):
    sweep = error_sweep(parse(text), "w", x, default_eps_grid(), (scheme,), ("float64",))
    model, measured = sweep.model(scheme, "float64"), sweep.measured_best(scheme, "float64")
    if measured is None:  # no V: k = 0 at every ε (sin at 1e300, tanh at 20); the model agrees
        assert model.best_eps is None and "k = 0" in model.note
    else:
        assert 1 / 5 <= model.best_error / measured[1] <= 5, (model, measured)


def test_no_error_above_j_prime_where_k_is_exactly_zero():
    # sigmoid at 0, ε = 1e-20: σ(1e-20) rounds to σ(0) = 0.5, so k = 0 and the error is
    # |J′(0)| = 1/4 (by hand); R/ε alone would say 1.1e4.
    sweep = error_sweep(parse("sigmoid(w)"), "w", 0.0, [1e-20], ("forward",), ("float64",))
    assert sweep.estimate("forward", "float64")[0] == 0
    assert float(sweep.model("forward", "float64").total(1e-20)) == pytest.approx(0.25, rel=1e-9)
