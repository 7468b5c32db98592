"""error_sweep against independent 50-digit references, and the slopes of the error curves."""

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import mpmath
import numpy as np
import pytest
import sympy

from derivcore.explain import error_explanation
from derivcore.expressions import parse
from derivcore.finite_differences import finite_difference
from derivcore.numeric import DTYPES
from derivcore.schemes import SCHEMES
from derivcore.sweep import complete_error_sweep, default_eps_grid, error_sweep

w = sympy.Symbol("w", real=True)
v = sympy.Symbol("v", real=True)
sigmoid = 1 / (1 + sympy.exp(-w))

# (J, x, J′ derived by hand, as an mpmath function)
FUNCTIONS = [
    (w**2, 3.0, lambda t: 2 * t),
    (2 * w, 3.0, lambda t: mpmath.mpf(2)),
    (w**3, 2.0, lambda t: 3 * t**2),
    (1 / w, 2.0, lambda t: -1 / t**2),
    (1 / w**2, 4.0, lambda t: -2 / t**3),
    (sympy.exp(w), 1.0, mpmath.exp),
    (sympy.sin(w), 1.0, mpmath.cos),
    (sympy.log(w), 0.5, lambda t: 1 / t),
    (sympy.tanh(w), 0.5, lambda t: 1 / mpmath.cosh(t) ** 2),
    (sigmoid, 0.0, lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2),
    (sympy.sqrt(w), 1e-3, lambda t: 1 / (2 * mpmath.sqrt(t))),
    (sympy.exp(10 * w), 1.0, lambda t: 10 * mpmath.exp(10 * t)),
    (1 / w, 0.01, lambda t: -1 / t**2),
    (sympy.cos(w), 0.0, lambda t: -mpmath.sin(t)),
    (w**2, 0.0, lambda t: 2 * t),
    (sympy.atan(w), 0.1, lambda t: 1 / (1 + t**2)),
]
GRID = default_eps_grid()


def exact_derivative(derivative, x: float):
    with mpmath.workdps(50):
        return derivative(mpmath.mpf(x))


@pytest.fixture(scope="module")
def sweeps():
    return {
        (str(expr), x): error_sweep(expr, "w", x, GRID, SCHEMES, DTYPES) for expr, x, _ in FUNCTIONS
    }


@pytest.mark.parametrize("expr, x, derivative", FUNCTIONS, ids=lambda p: str(p))
def test_reference_is_the_derivative_at_the_x_each_dtype_holds(sweeps, expr, x, derivative):
    sweep = sweeps[str(expr), x]
    for dtype in DTYPES:
        x_used = float(np.dtype(dtype).type(x))
        assert sweep.x_used(dtype) == x_used
        assert sweep.reference(dtype) == float(exact_derivative(derivative, x_used))


@pytest.mark.parametrize("expr, x, derivative", FUNCTIONS, ids=lambda p: str(p))
def test_errors_against_the_exact_derivative(sweeps, expr, x, derivative):
    sweep = sweeps[str(expr), x]
    for dtype in DTYPES:
        exact = exact_derivative(derivative, sweep.x_used(dtype))
        for scheme in SCHEMES:
            k = sweep.estimate(scheme, dtype)
            error = sweep.abs_error(scheme, dtype)
            for i in range(0, len(GRID), 37):
                if math.isnan(k[i]):
                    assert math.isnan(error[i])
                    continue
                with mpmath.workdps(50):
                    # |k − J′| with J′ exact, rounded once: right even below an ulp of J′
                    assert error[i] == float(abs(mpmath.mpf(k[i]) - exact))
            assert (sweep.exact_zero(scheme, dtype) == (error == 0)).all()
            relative = sweep.rel_error(scheme, dtype)
            if exact == 0:
                assert np.isnan(relative).all()  # undefined: the page shows absolute error
            else:
                np.testing.assert_allclose(relative, error / abs(float(exact)), rtol=1e-15)


def test_estimates_are_the_single_quotients_in_each_dtype(sweeps):
    sweep = sweeps[str(sigmoid), 0.0]
    for dtype in DTYPES:
        for scheme in ["forward", "central", "five_point"]:
            k = sweep.estimate(scheme, dtype)
            for i in range(3, len(GRID), 41):
                assert k[i] == finite_difference(sigmoid, "w", 0.0, GRID[i], scheme, dtype) or (
                    math.isnan(k[i]) and dtype == "float16"
                )


def test_float32_and_float16_estimates_by_hand():
    sweep = error_sweep(sympy.exp(w), "w", 0.3, [1e-3, 1e-2], ["forward"], ["float32", "float16"])
    for dtype in ["float32", "float16"]:
        scalar = np.dtype(dtype).type
        x = scalar(0.3)
        for i, eps in enumerate([1e-3, 1e-2]):
            e = scalar(eps)
            by_hand = (np.exp(x + e) - np.exp(x)) / e
            assert by_hand.dtype == np.dtype(dtype)
            assert sweep.estimate("forward", dtype)[i] == float(by_hand)


def test_plateau_k_is_zero_and_the_relative_error_one(sweeps):
    for key in [("w**2", 3.0), ("exp(w)", 1.0), ("atan(w)", 0.1)]:
        sweep = sweeps[key]
        for dtype in DTYPES:
            model = sweep.model("forward", dtype)
            below = np.less_equal(GRID, model.breakdown_eps)
            assert below.any()
            k = sweep.estimate("forward", dtype)
            settled = below & ~np.isnan(k)  # float16: ε itself underflows below 3e-8
            assert settled.sum() > 10
            assert (k[settled] == 0).all()
            assert (sweep.rel_error("forward", dtype)[settled] == 1.0).all()
            assert not sweep.exact_zero("forward", dtype)[settled].any()
            assert (k[~below] != 0).any()


def test_exact_zeros_are_marked_not_lost(sweeps):
    sweep = sweeps["w**2", 3.0]
    zero = sweep.exact_zero("central", "float64")
    assert zero.any()
    assert (sweep.estimate("central", "float64")[zero] == 6.0).all()
    # and where J′ = 0 a zero error is as exact: cos at 0 with the central quotient
    assert sweeps["cos(w)", 0.0].exact_zero("central", "float64").all()


def test_nan_where_a_step_leaves_the_domain_with_the_reason(sweeps):
    sweep = sweeps["sqrt(w)", 1e-3]
    x = 1e-3
    for scheme, reach in [("backward", 1), ("central", 1), ("five_point", 2)]:
        k = sweep.estimate(scheme, "float64")
        outside = np.array([x - reach * e < 0 for e in GRID])
        assert (np.isnan(k) == outside).all()
        reason = sweep.nan_reason(scheme, "float64")
        arm = "w − 2ε" if reach == 2 else "w − ε"
        assert f"{arm} < 0 leaves the domain of sqrt" in reason
        assert f"for ε ≥ {GRID[outside].min():.3g}" in reason
    assert sweep.nan_reason("forward", "float64") is None
    assert "rounds to 0 in float16" in sweep.nan_reason("forward", "float16")


def test_complex_step_not_applicable_is_said():
    sweep = error_sweep(sympy.Abs(w - 1), "w", 2.0, GRID[::10], SCHEMES, DTYPES)
    assert "abs" in sweep.not_applicable("complex_step", "float64")
    assert "float16" in sweep.not_applicable("complex_step", "float16")
    assert sweep.not_applicable("central", "float16") is None
    assert np.isnan(sweep.estimate("complex_step", "float32")).all()
    assert sweep.nan_reason("complex_step", "float64") == sweep.not_applicable(
        "complex_step", "float64"
    )
    assert np.isnan(sweep.exact_arithmetic_error("complex_step")).all()
    assert sweep.model("complex_step", "float64").best_eps is None
    # away from the corner the real schemes work
    assert sweep.reference("float64") == 1.0
    assert not np.isnan(sweep.abs_error("central", "float64")).any()


def test_not_differentiable_at_a_corner():
    sweep = error_sweep(sympy.Max(0, w), "w", 0.0, GRID[::20], ["central"], ["float64"])
    assert math.isnan(sweep.reference("float64"))
    assert "not differentiable" in sweep.nan_reason("central", "float64")
    assert np.isnan(sweep.abs_error("central", "float64")).all()


def fitted_slope(eps, error, lo, hi):
    inside = (eps >= lo) & (eps <= hi) & (error > 0) & np.isfinite(error)
    assert inside.sum() >= 5
    return np.polyfit(np.log10(eps[inside]), np.log10(error[inside]), 1)[0]


@pytest.mark.parametrize(
    "scheme, order, lo, hi",
    [
        ("forward", 1, 1e-5, 1e-3),
        ("backward", 1, 1e-5, 1e-3),
        ("central", 2, 1e-4, 1e-2),
        ("five_point", 4, 3e-3, 3e-2),
        ("complex_step", 2, 1e-4, 1e-2),
    ],
)
def test_truncation_slopes_are_the_orders(sweeps, scheme, order, lo, hi):
    # findiff-style accuracy test: in the truncation regime log(error) ∝ order·log(ε)
    for key in [("exp(w)", 1.0), ("sin(w)", 1.0), ("tanh(w)", 0.5)]:
        sweep = sweeps[key]
        slope = fitted_slope(GRID, sweep.abs_error(scheme, "float64"), lo, hi)
        assert slope == pytest.approx(order, abs=0.1)


@pytest.mark.parametrize("scheme", ["forward", "backward", "central", "five_point"])
def test_rounding_slope_is_minus_one(scheme):
    # The rounding error is noise; its running median falls as 1/ε.
    eps = np.logspace(-15, -11, 801)
    sweep = error_sweep(sympy.exp(w), "w", 1.0, eps, [scheme], ["float64"])
    error = sweep.abs_error(scheme, "float64")
    centres = eps[40:-40:20]
    medians = [np.median(error[(eps > c / 10**0.2) & (eps < c * 10**0.2)]) for c in centres]
    slope = np.polyfit(np.log10(centres), np.log10(medians), 1)[0]
    assert slope == pytest.approx(-1, abs=0.15)


@pytest.mark.parametrize(
    "scheme, order",
    [("forward", 1), ("backward", 1), ("central", 2), ("five_point", 4), ("complex_step", 2)],
)
def test_exact_arithmetic_keeps_falling_down_to_1e_20(sweeps, scheme, order):
    for key in [("exp(w)", 1.0), ("log(w)", 0.5)]:
        exact = sweeps[key].exact_arithmetic_error(scheme)
        assert (exact[GRID < 1e-3] > 0).all()
        assert fitted_slope(GRID, exact, 1e-20, 1e-6) == pytest.approx(order, abs=0.02)
    # the fallback when the leading derivative is 0: sigmoid″(0) = 0, so forward is order 2
    if scheme == "forward":
        exact = sweeps[str(sigmoid), 0.0].exact_arithmetic_error(scheme)
        assert fitted_slope(GRID, exact, 1e-20, 1e-6) == pytest.approx(2, abs=0.02)


def test_exact_arithmetic_values_against_an_independent_computation(sweeps):
    sweep = sweeps["exp(w)", 1.0]
    exact = sweep.exact_arithmetic_error("five_point")
    with mpmath.workdps(250):
        for i in [0, 7, 133, 250, 399]:  # computed and interpolated positions alike
            x, e = mpmath.mpf(1.0), mpmath.mpf(GRID[i])
            f = mpmath.exp
            k = (f(x - 2 * e) - 8 * f(x - e) + 8 * f(x + e) - f(x + 2 * e)) / (12 * e)
            assert exact[i] == pytest.approx(float(abs(k - mpmath.e)), rel=0.02)
    # the polynomial the scheme is exact for: no truncation at all, in any arithmetic
    assert (sweeps["w**2", 3.0].exact_arithmetic_error("central") == 0).all()


def test_model_best_eps_is_near_the_measured_best(sweeps):
    sweep = sweeps["exp(w)", 1.0]
    model = sweep.model("forward", "float64")
    measured_eps, measured_error = sweep.measured_best("forward", "float64")
    assert 0.1 < model.best_eps / measured_eps < 10
    assert 0.1 < model.best_error / measured_error < 10
    # the smoothed best is honest: not the lucky raw minimum of the curve
    assert measured_error > np.nanmin(sweep.abs_error("forward", "float64"))


def test_models_are_finite_where_derivatives_vanish(sweeps):
    for key in [(str(sigmoid), 0.0), ("w**2", 3.0), ("w**2", 0.0), ("cos(w)", 0.0)]:
        sweep = sweeps[key]
        for scheme in SCHEMES:
            for dtype in DTYPES:
                model = sweep.model(scheme, dtype)
                if sweep.not_applicable(scheme, dtype):
                    continue
                total = model.total(GRID)
                assert np.isfinite(total).all() and (total >= 0).all()
                assert model.best_eps is None or 0 < model.best_eps < math.inf
                assert model.best_error is None or math.isfinite(model.best_error)
    square = sweeps["w**2", 3.0]
    assert square.model("forward", "float64").truncation_coefficient == 1.0
    assert square.model("central", "float64").truncation_coefficient == 0.0
    assert square.model("central", "float64").best_eps is None
    assert sweeps[str(sigmoid), 0.0].model("forward", "float64").order == 2


def test_model_sees_exact_zeros_and_tiny_derivatives_for_what_they_are():
    # w³ at 0: J = J′ = J″ = 0, J‴ = 6: forward truncation ε², no rounding at all
    cube = error_sweep(w**3, "w", 0.0, GRID[::20], ["forward"], ["float64"])
    model = cube.model("forward", "float64")
    assert (model.order, model.truncation_coefficient) == (2, 1.0)
    assert model.best_eps is None and model.best_error == 0.0
    # cos at float64(π/2): J″ = −cos x ≈ −6e-17 is tiny, not zero; J‴ = sin x ≈ 1 takes over
    cosine = error_sweep(sympy.cos(w), "w", math.pi / 2, GRID[::20], ["forward"], ["float64"])
    model = cosine.model("forward", "float64")
    assert model.order == 2 and model.truncation_coefficient == pytest.approx(1 / 6)
    assert "tiny" in model.note
    # sin at 0, central: J‴(0) = −1, so C = 1/6 exactly as in the table
    sine = error_sweep(sympy.sin(w), "w", 0.0, GRID[::20], ["central"], ["float64"])
    assert sine.model("central", "float64").truncation_coefficient == pytest.approx(1 / 6)


def test_step_trick_changes_the_step_not_the_point():
    eps = np.array([1e-9, 1e-7, 1e-5])
    sweep = error_sweep(w**2, "w", 0.1, eps, ["forward"], ["float64"], step_trick=True)
    steps = (0.1 + eps) - 0.1
    np.testing.assert_array_equal(
        sweep.estimate("forward", "float64"), ((0.1 + steps) ** 2 - 0.1**2) / steps
    )
    plain = error_sweep(w**2, "w", 0.1, eps, ["forward"], ["float64"])
    assert (
        sweep.abs_error("forward", "float64")[:2] < plain.abs_error("forward", "float64")[:2]
    ).all()


def test_other_variables_are_held_at_their_values():
    sweep = error_sweep(
        w * v + v**2, "w", 2.0, GRID[::40], ["central"], ["float64"], values={"v": 3}
    )
    assert sweep.reference("float64") == 3.0


def test_constant_and_overflowing_functions_are_explained():
    constant = error_sweep(sympy.Integer(5), "w", 2.0, GRID[::20], SCHEMES, DTYPES)
    assert constant.reference("float64") == 0.0
    assert np.isnan(constant.rel_error("forward", "float64")).all()
    assert (constant.abs_error("central", "float32") == 0).all()
    assert constant.model("central", "float64").best_eps is None
    # e^700 is finite in float64 but overflows float32; e^1e6 overflows even J′ in float64
    big = error_sweep(sympy.exp(w), "w", 700.0, GRID[::20], ["forward"], DTYPES)
    assert big.nan_reason("forward", "float64") is None
    assert "overflows float32" in big.nan_reason("forward", "float32")
    huge = error_sweep(sympy.exp(w), "w", 1e6, GRID[::20], ["forward"], ["float64"])
    assert "beyond the range of float64" in huge.nan_reason("forward", "float64")


def test_invalid_input_is_refused():
    with pytest.raises(ValueError, match="ε must be a positive number"):
        error_sweep(w**2, "w", 3, [1e-3, 0.0], SCHEMES, DTYPES)
    with pytest.raises(ValueError, match="ε must be a positive number"):
        error_sweep(w**2, "w", 3, [], SCHEMES, DTYPES)
    with pytest.raises(ValueError, match="scheme"):
        error_sweep(w**2, "w", 3, GRID, ["leapfrog"], DTYPES)
    with pytest.raises(ValueError, match="number type"):
        error_sweep(w**2, "w", 3, GRID, SCHEMES, ["float128"])
    sweep = error_sweep(w**2, "w", 3, GRID, ["forward"], ["float64"])
    with pytest.raises(ValueError, match="not part of this sweep"):
        sweep.abs_error("central", "float64")


def test_default_grid():
    grid = default_eps_grid()
    assert len(grid) == 400 and grid[0] == pytest.approx(1e-20) and grid[-1] == 1.0
    assert (np.diff(grid) > 0).all()
    with pytest.raises(ValueError):
        default_eps_grid(n=1)
    with pytest.raises(ValueError):
        default_eps_grid(lo=1.0, hi=0.1)


def test_a_shared_sweep_gives_the_same_answers_from_several_threads():
    sweep = error_sweep(sympy.tanh(w), "w", 0.3, GRID, SCHEMES, ["float64", "float32"])
    start = threading.Barrier(3)

    def work():
        start.wait()  # all three ask for the lazily computed parts at once
        return [sweep.exact_arithmetic_error(s) for s in SCHEMES] + [
            sweep.model(s, "float32").best_eps for s in SCHEMES
        ]

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(work) for _ in range(3)]
    # .result() raises a thread's exception here: a crashing thread fails the test.
    results = [future.result(timeout=60) for future in futures]
    fresh = error_sweep(sympy.tanh(w), "w", 0.3, GRID, SCHEMES, ["float64", "float32"])
    expected = [fresh.exact_arithmetic_error(s) for s in SCHEMES] + [
        fresh.model(s, "float32").best_eps for s in SCHEMES
    ]
    for result in results:
        for got, want in zip(result, expected, strict=True):
            np.testing.assert_array_equal(got, want)


def test_the_measured_best_lies_on_the_real_v():
    # tanh at 20: tanh(20 + ε) rounds to tanh(20) = 1.0 for every ε ≤ 1 on the grid, so k = 0
    # there (error |J′| = sech²(20) ≈ 1.7e-17, a plateau, not a V): no measured best.
    sweep = error_sweep(parse("tanh(w)"), "w", 20.0, default_eps_grid(), ("forward",), ("float64",))
    # 1 − tanh(21) = 2/(e^42 + 1) ≈ 1.1e-18, below half an ulp under 1 (2^-54 ≈ 5.6e-17).
    assert np.all(sweep.estimate("forward", "float64") == 0)
    assert sweep.measured_best("forward", "float64") is None
    # (w − 1)² at its stationary point 1: k = ε exactly where 1 + ε is not 1, and 0 below:
    # the best is not "error 0 at 1e-20" but the smallest ε with k ≠ 0.
    sweep = error_sweep(parse("(w-1)^2"), "w", 1.0, default_eps_grid(), ("forward",), ("float64",))
    best_eps, best_error = sweep.measured_best("forward", "float64")
    assert best_error > 0 and best_eps > 1.1e-16  # 1 + ε == 1 below half an ulp, 2^-53
    # For every reported best: k there is a finite non-zero number.
    for text, x in [("sqrt(w)", 1e-3), ("sigmoid(w)", 0.0), ("log(w)", 1e-7), ("exp(w)", -700.0)]:
        sweep = error_sweep(parse(text), "w", x, default_eps_grid(), ("forward",), ("float64",))
        best = sweep.measured_best("forward", "float64")
        if best is not None:
            k = sweep.estimate("forward", "float64")[sweep.eps == best[0]][0]
            assert np.isfinite(k) and k != 0, (text, best)


def test_a_stencil_across_a_pole_or_corner_gets_a_reason_at_those_steps():
    # (w² + 1)/(w − 1) at 1.001: central reaches 1.001 − ε < 1 for ε > 0.001 (by hand), where k
    # has the wrong sign; forward only looks right of the pole and never crosses it.
    sweep = error_sweep(
        parse("(w^2 + 1)/(w - 1)"), "w", 1.001, default_eps_grid(), ("central", "forward"),
        ("float64",),
    )
    reason = sweep.misleading_k_reason("central", "float64")
    assert reason.startswith("for ε ≥ 0.0011") and "a pole of J (where w - 1 = 0)" in reason
    assert sweep.misleading_k_reason("forward", "float64") is None
    assert "a corner" in error_sweep(
        parse("abs(w)"), "w", 0.5, default_eps_grid(), ("central",), ("float64",)
    ).misleading_k_reason("central", "float64")


def test_a_reason_names_what_overflows():
    # softplus(800) = log(1 + e^800) ≈ 800 fits in float64 with room to spare; only e^800
    # (about 10^347.4, by hand: 800/ln 10) does not.
    sweep = error_sweep(parse("softplus(w)"), "w", 800.0, default_eps_grid(), ("forward",),
                        ("float64",))
    reason = sweep.nan_reason("forward", "float64")
    assert "a value inside J(w) overflows float64" in reason
    assert "J(w) overflows" not in reason.replace("inside J(w) overflows", "")
    assert sweep.reference("float64") == 1.0  # σ(800) = 1 − e^−800 rounds to 1


def test_the_complex_step_says_when_j_prime_times_eps_underflows():
    # exp at −700: J′ = e^−700 ≈ 9.9e-305 (by hand: −700/ln 10 = −304.0); times ε = 1e-20 that
    # is 1e-324, below the smallest subnormal 4.9e-324: Im J(w + iε) is 0, so k = 0.
    sweep = error_sweep(parse("exp(w)"), "w", -700.0, default_eps_grid(), ("complex_step",),
                        ("float64",))
    reason = sweep.misleading_k_reason("complex_step", "float64")
    assert "underflows to 0 and k = 0" in reason and "4.9e-324" in reason
    assert sweep.estimate("complex_step", "float64")[0] == 0  # ε = 1e-20
    assert error_sweep(parse("exp(w)"), "w", 1.0, default_eps_grid(), ("complex_step",),
                       ("float64",)).misleading_k_reason("complex_step", "float64") is None


def test_tan_just_below_its_pole_is_flagged_for_every_step_that_crosses_it():
    # The float nearest π/2 lies 6.1e-17 below the pole: w + ε crosses it once ε exceeds that
    # gap (and rounds past it from about 1.1e-16, the next float up).
    import sympy as sp

    sweep = error_sweep(parse("tan(w)"), "w", float(sp.pi / 2), default_eps_grid(), ("forward",),
                        ("float64",))
    reason = sweep.misleading_k_reason("forward", "float64")
    assert "a pole of J (where cos(w) = 0)" in reason and reason.startswith("for ε ≥ 1.1")


def test_a_switch_where_j_still_has_a_slope_is_no_corner():
    # w·|w| at 0: |w| switches, but J's one-sided slopes are both 0 (h·|h|/h = ±h → 0), so
    # J′(0) = 0, and the forward difference is k = ε·|ε|/ε = ε: its error is ε itself (to the
    # rounding of ε·|ε|).
    sweep = error_sweep(w * sympy.Abs(w), "w", 0.0, GRID[::10], ["forward"], ["float64"])
    assert sweep.reference("float64") == 0.0
    assert sweep.nan_reason("forward", "float64") is None
    np.testing.assert_allclose(sweep.abs_error("forward", "float64"), sweep.eps, rtol=2.3e-16)
    # |w| itself at 0 keeps its corner.
    corner = error_sweep(sympy.Abs(w), "w", 0.0, GRID[::10], ["forward"], ["float64"])
    assert "not differentiable" in corner.nan_reason("forward", "float64")


def test_a_switching_function_away_from_its_switch_gets_a_complete_model():
    # |w| at 1: J″ = 2·DiracDelta(w), which nothing evaluates; it is 0 away from 0, and |w| = w
    # there (by hand), so the forward difference has no truncation error at all. Before, the
    # worker raised NameError and the error page said the computation of J′ had failed.
    sweep = complete_error_sweep(
        sympy.Abs(w), "w", 1.0, default_eps_grid(), ("forward",), ("float64",), False, None
    )
    assert sweep.reference("float64") == 1.0 and sweep.reference_reason("float64") is None
    assert sweep.model("forward", "float64").truncation_coefficient == 0.0


def test_at_a_switch_where_j_has_a_slope_there_is_no_taylor_model():
    # w·|w| at 0: J′(0) = 0, but J″ is 2 from the right and −2 from the left (by hand): no
    # Taylor term past J′, so no model, rather than one built from sign(0) = 0.
    sweep = complete_error_sweep(
        w * sympy.Abs(w), "w", 0.0, default_eps_grid(), ("forward",), ("float64",), False, None
    )
    assert sweep.reference("float64") == 0.0
    assert math.isnan(sweep.model("forward", "float64").truncation_coefficient)
    text = error_explanation(sweep, 1e-3)
    assert "the plot shows the measured error only" in text
    assert "nan" not in text and "Taylor's theorem says" not in text
