"""Property tests: what the error page says about the V is true of the numbers, for generated
functions and points (near singularities, large and tiny |w|, stationary points, w = 0),
checked against mpmath at 50 digits and plain Python floats."""

import math

import mpmath
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcore.explain import error_explanation
from derivcore.expressions import parse
from derivcore.sweep import default_eps_grid, error_sweep

# (text, J′ and J″ by hand in mpmath, J as the lab's Python computes it, where it is defined).
# The C library's tanh may differ from the correctly rounded one in the last bit: k uses it.
M = mpmath
FUNCTIONS = [
    ("sin(w)", M.cos, lambda t: -M.sin(t), math.sin, (-1e6, 1e6)),
    ("exp(w)", M.exp, M.exp, math.exp, (-700, 700)),
    ("log(w)", lambda t: 1 / t, lambda t: -1 / t**2, math.log, (1e-12, 1e12)),
    ("sqrt(w)", lambda t: 1 / (2 * M.sqrt(t)), lambda t: -(t ** M.mpf(-1.5)) / 4, math.sqrt,
     (1e-12, 1e12)),
    ("atan(w)", lambda t: 1 / (1 + t**2), lambda t: -2 * t / (1 + t**2) ** 2, math.atan,
     (-1e10, 1e10)),
    ("tanh(w)", lambda t: M.sech(t) ** 2, lambda t: -2 * M.tanh(t) * M.sech(t) ** 2, math.tanh,
     (-30, 30)),
    ("cosh(w)", M.sinh, M.cosh, math.cosh, (-30, 30)),
    ("w^3", lambda t: 3 * t**2, lambda t: 6 * t, lambda t: t**3, (-1e5, 1e5)),
    ("1/w", lambda t: -1 / t**2, lambda t: 2 / t**3, lambda t: 1 / t, (1e-8, 1e8)),
    ("(w - 1)^2", lambda t: 2 * (t - 1), lambda t: 2 + 0 * t, lambda t: (t - 1) ** 2, (-10, 10)),
]


@st.composite
def cases(draw):
    text, first, second, in_floats, (lo, hi) = draw(st.sampled_from(FUNCTIONS))
    special = [v for v in (0.0, 1.0, lo, hi, 1e-7, -1e-7) if lo <= v <= hi]
    x = draw(st.one_of(st.sampled_from(special), st.floats(lo, hi, allow_nan=False)))
    return text, first, second, in_floats, float(x)


@settings(max_examples=40, deadline=None)
@given(case=cases())
def test_every_claim_of_the_explanation_holds(case):
    text, first, second, in_floats, x = case
    sweep = error_sweep(parse(text), "w", x, default_eps_grid(), ("forward",), ("float64",))
    explanation = error_explanation(sweep, 1e-3)
    if sweep.reference_reason("float64"):
        assert "so there is no error to measure here" in explanation
        return
    model = sweep.model("forward", "float64")
    with mpmath.workdps(50):
        j2 = abs(second(mpmath.mpf(x)))
    # The truncation coefficient C is |J″|/2 (forward), from J″ by hand.
    if model.order == 1 and j2 > 0:
        assert math.isclose(model.truncation_coefficient, float(j2) / 2, rel_tol=1e-6)
    # "rounding decides" only where the model's rounding exceeds twice its truncation.
    if "rounding, not truncation, decides" in explanation:
        assert float(model.rounding(1e-9)) > 2 * float(model.truncation(1e-9))
    if "truncation still decides" in explanation:
        assert float(model.truncation(1e-9)) > 2 * float(model.rounding(1e-9))
    # The measured error quoted at the lab's ε is |k − J′| of Python's own formula there.
    i = int(np.argmin(abs(np.log10(sweep.eps) + 9)))
    h = float(sweep.eps[i])
    k = (in_floats(x + h) - in_floats(x)) / h
    if f"measured at ε = {h:.2g}:" in explanation and math.isfinite(k):
        with mpmath.workdps(50):
            error = float(abs(mpmath.mpf(k) - first(mpmath.mpf(x))))
        assert f": {error:.1e}" in explanation
    # w + ε never "rounds back" to w = 0, and k = 0 is claimed only where it is 0.
    if x == 0:
        assert "rounds back to w in float64:" not in explanation
    if "so k = 0" in explanation:
        below = sweep.eps <= model.breakdown_eps
        assert np.all(sweep.estimate("forward", "float64")[below] == 0)
    best = sweep.measured_best("forward", "float64")
    if best is not None:
        k_best = sweep.estimate("forward", "float64")[sweep.eps == best[0]][0]
        assert np.isfinite(k_best) and k_best != 0
