"""Taylor polynomials at the point, against hand calculation and mpmath."""

import math

import mpmath
import numpy as np
import pytest

from derivcore.expressions import parse
from derivcore.taylor import forward_truncation_text, taylor_expansion, taylor_latex


def test_exp_at_zero_has_coefficients_one_over_factorial():
    expansion = taylor_expansion(parse("exp(w)"), "w", parse("0"))
    assert expansion.coefficients == pytest.approx([1, 1, 1 / 2, 1 / 6, 1 / 24], rel=1e-15)
    assert expansion.highest_order == 4 and expansion.missing == ""


def test_remainder_of_sin_shrinks_like_the_next_power():
    expansion = taylor_expansion(parse("sin(w)"), "w", parse("0"))
    for h in (0.1, 0.05):
        remainder = float(mpmath.sin(h)) - expansion.polynomial(3, np.array([h]))[0]
        # sin h − (h − h³/6) = h⁵/120 − …
        assert remainder == pytest.approx(h**5 / 120, rel=0.01)


def test_polynomial_of_order_one_is_the_tangent():
    expansion = taylor_expansion(parse("w^2"), "w", parse("3"))
    assert expansion.polynomial(1, np.array([4.0]))[0] == 9 + 6 * 1
    assert expansion.coefficients[2] == 1  # C = J″/2 = 2/2
    assert "C = J″/2 = 1" in forward_truncation_text(expansion, 1e-3)
    assert "T_{2}(w) = 9 + 6" in taylor_latex(expansion, 2, "w")


@pytest.mark.parametrize(
    "text, point, highest, order_named",
    [
        ("abs(w)", "0", 0, 1),  # a corner: no J′
        ("w*abs(w)", "0", 1, 2),  # J′ = 2|w| exists, J″ does not
        ("w^1.5", "0", 0, 1),  # defined on one side only
        ("w^3.5", "0", 0, 1),
    ],
)
def test_says_from_which_order_the_polynomial_does_not_exist(text, point, highest, order_named):
    expansion = taylor_expansion(parse(text), "w", parse(point))
    assert expansion.highest_order == highest
    assert f"From order {order_named} on" in expansion.missing
    with pytest.raises(ValueError):
        expansion.polynomial(highest + 1, np.array([0.1]))


def test_at_a_pole_there_is_no_polynomial_at_all():
    expansion = taylor_expansion(parse("1/w"), "w", parse("0"))
    assert expansion.highest_order == -1
    assert "not defined" in expansion.missing
    assert "no order-2" in forward_truncation_text(expansion, 0.1)


def test_coefficients_match_mpmath_at_an_ordinary_point():
    expansion = taylor_expansion(parse("log(w)"), "w", parse("2"))
    expected = [float(mpmath.log(2))] + [(-1) ** (n + 1) / (n * 2**n) for n in range(1, 5)]
    assert expansion.coefficients == pytest.approx(expected, rel=1e-14)
    assert not math.isnan(expansion.polynomial(4, np.array([2.5]))[0])


# Audit of 2026-12-01: the curve page's link to the error page, checked by hand.
def test_where_j_second_is_zero_the_first_term_that_remains_is_quoted():
    # w³ at 0: (ε³ − 0)/ε − 0 = ε², so C = 1 with ε² (not "C = J″/2 = 0: about 0").
    text = forward_truncation_text(taylor_expansion(parse("w^3"), "w", parse("0")), 1e-3)
    assert "C·ε^2 with C = 1: for ε = 0.001 about 1e-06" in text
    # sin at 0: sin(ε)/ε − 1 ≈ −ε²/6, so C = −1/6, of size 0.166667.
    text = forward_truncation_text(taylor_expansion(parse("sin(w)"), "w", parse("0")), 1e-3)
    assert "C = -0.166667 (the error page plots its size, 0.166667)" in text
    assert "about 1.67e-07" in text


def test_an_eps_beyond_the_one_term_range_is_not_given_one_terms_size():
    # sqrt at 1e-8, ε = 1e-3: J″/2·ε = 1.25e8 while the real error is about 5e3 (the secant
    # (sqrt(1e-8 + 1e-3) − 1e-4)/1e-3 = 31.5 against the tangent 5000): ε ≫ w, so the series
    # in ε/w diverges and one term says nothing.
    secant = (math.sqrt(1e-8 + 1e-3) - 1e-4) / 1e-3
    assert abs(secant - 5000) < 5000
    text = forward_truncation_text(taylor_expansion(parse("sqrt(w)"), "w", parse("1e-8")), 1e-3)
    assert "so ε is too large for one term to give the error" in text
    assert "about 1.25e+08" not in text


def test_without_j_second_the_text_does_not_deny_a_c_eps_error():
    # w·|w| at 0: k = ε·|ε|/ε = ε exactly, so "the error is not C·ε" would be false; J″ does
    # not exist, so Taylor's theorem is what does not apply.
    text = forward_truncation_text(taylor_expansion(parse("w*abs(w)"), "w", parse("0")), 1e-3)
    assert "is not C·ε" not in text
    assert "Taylor's theorem does not give" in text
