"""The scheme table: each scheme's derived parts against the formulas written out by hand."""

from fractions import Fraction

import pytest

from derivcore.schemes import SCHEMES, scheme_named


def f(x: float) -> float:
    return x**3 / 7 + 1 / (x + 0.3)


# The design notes' formulas, in plain Python, with the step taken as written.
BY_HAND = {
    "forward": lambda x, h: (f(x + h) - f(x)) / h,
    "backward": lambda x, h: (f(x) - f(x - h)) / h,
    "central": lambda x, h: (f(x + h) - f(x - h)) / (2 * h),
    "five_point": lambda x, h: (
        (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)
    ),
}


@pytest.mark.parametrize("name", list(BY_HAND))
@pytest.mark.parametrize("h", [1e-1, 1e-4, 3e-9, 1e-13])
def test_combine_is_the_written_formula_bit_for_bit(name, h):
    scheme = scheme_named(name)
    x = 0.7
    k = scheme.combine(
        lambda a: f(
            x
            if a == 0
            else (x + h if a > 0 else x - h)
            if abs(a) == 1
            else (x + 2 * h if a > 0 else x - 2 * h)
        ),
        h,
    )
    assert k == BY_HAND[name](x, h)


def test_complex_step_takes_the_imaginary_part():
    h = 1e-20
    k = scheme_named("complex_step").combine(lambda _: (complex(0.7, h)) ** 3, h)
    assert k == pytest.approx(3 * 0.7**2, rel=1e-15)


def test_orders_and_leading_truncation_coefficients_by_taylor():
    # Hand calculation: forward J″/2·ε, central J‴/6·ε², five-point J⁽⁵⁾/30·ε⁴, complex J‴/6·ε².
    leading = {name: scheme_named(name).truncation_series()[0] for name in SCHEMES}
    assert leading == {
        "forward": (2, Fraction(1, 2)),
        "backward": (2, Fraction(1, 2)),
        "central": (3, Fraction(1, 6)),
        "five_point": (5, Fraction(1, 30)),
        "complex_step": (3, Fraction(1, 6)),
    }
    assert [scheme_named(n).order for n in SCHEMES] == [1, 1, 2, 4, 2]
    # central has only odd derivatives; the next five-point term is (2⁷ − 8)/(6·7!) = 1/252
    assert [n for n, _ in scheme_named("central").truncation_series()] == [3, 5, 7, 9]
    assert scheme_named("five_point").truncation_series()[1] == (7, Fraction(1, 252))


def test_rounding_weights_sum_the_coefficients():
    # Σ|c|/d over all values and over the moved points: forward 2/1 and 1/1, five-point 18/12.
    assert scheme_named("forward").rounding_weights == (2.0, 1.0)
    assert scheme_named("central").rounding_weights == (1.0, 1.0)
    assert scheme_named("five_point").rounding_weights == (1.5, 1.5)
    assert scheme_named("complex_step").rounding_weights == (0.0, 0.0)


def test_formula_text_and_code():
    assert scheme_named("forward").formula("w", "J") == "(J(w+ε) − J(w))/ε"
    assert scheme_named("central").formula("w", "J") == "(J(w+ε) − J(w−ε))/(2ε)"
    assert scheme_named("five_point").formula() == "(f(x−2ε) − 8f(x−ε) + 8f(x+ε) − f(x+2ε))/(12ε)"
    assert scheme_named("complex_step").formula("w", "J") == "Im J(w+iε)/ε"
    code = scheme_named("five_point").python("f", "x", "h")
    assert eval(code, {"f": f, "x": 0.7, "h": 1e-3}) == BY_HAND["five_point"](0.7, 1e-3)


def test_unknown_scheme_names_the_choices():
    with pytest.raises(ValueError, match="choose one of forward, backward, central"):
        scheme_named("sideways")
