"""The lab's nudge, reproduced bit for bit, and the comparison at several points."""

import sympy

from derivcore.nudge import compare_at_points, nudge
from derivcore.number_format import python_repr

w = sympy.Symbol("w", real=True)


def test_the_labs_printed_numbers_come_out_exactly():
    # Hand-copied from the lab's printouts (shared/seed), not from our code.
    first = nudge(w**2, "w", 3.0, 0.001)
    assert (first.j, first.j_eps, first.k) == (9.0, 9.006001, 6.000999999999479)
    assert nudge(w**2, "w", 3.0, 1e-9).k == 6.000000496442226
    # The lab's copy of these two printouts lost a digit; Python's own formula is the truth.
    assert nudge(2 * w, "w", 3.0, 0.001).k == (2 * (3 + 0.001) - 2 * 3) / 0.001
    assert nudge(2 * w, "w", 3.0, 0.001).k == 1.9999999999997797
    assert nudge(w**3, "w", 2.0, 0.001).j_eps == 8.012006000999998
    assert nudge(w**3, "w", 2.0, 0.001).k == ((2 + 0.001) ** 3 - 2**3) / 0.001
    assert nudge(1 / w, "w", 2.0, 0.001).j_eps == 0.49975012493753124
    assert nudge(1 / w, "w", 2.0, 0.001).k == -0.2498750624687629
    inverse_square = nudge(1 / w**2, "w", 4.0, 0.001)
    assert inverse_square.j_eps == 0.06246876171484496
    assert inverse_square.k == -0.031238285155041345


def test_numbers_print_the_way_the_lab_prints_them():
    assert python_repr(9.0) == "9"
    assert python_repr(9.006001) == "9.006001"
    assert python_repr(6.000999999999479) == "6.000999999999479"
    assert python_repr(float("nan")) == "nan"


def test_comparison_at_the_labs_points():
    rows = compare_at_points(
        w**2, "w", [sympy.Integer(2), sympy.Integer(3), sympy.Integer(-3)], 1e-3
    )
    assert [row.exact for row in rows] == ["4", "6", "-6"]
    # k = (2 + 0.001)**2 - 4)/0.001 = 4.001 up to rounding.
    assert abs(rows[0].k - 4.001) < 1e-9
    assert abs(rows[0].error - 0.001) < 1e-9


def test_comparison_says_where_the_derivative_does_not_exist():
    (row,) = compare_at_points(1 / w, "w", [sympy.Integer(0)], 1e-3)
    assert row.error is None
    assert "not defined" in row.message


def test_a_step_that_is_not_positive_or_a_point_beyond_float64_is_refused_clearly():
    import pytest

    for eps in (0, 0.0, -0.001, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="ε must be a positive number"):
            nudge(w**2, "w", 3.0, eps)
    for x in (10**400, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="The point must be a finite number"):
            nudge(w**2, "w", x, 0.001)
