"""Reading the point and ε the student types."""

import pytest
import sympy

from derivcore.expressions import ExpressionError
from derivcore.inputs import parse_point, parse_points, parse_step


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", sympy.Integer(3)),
        ("-0.5", sympy.Rational(-1, 2)),
        ("pi/4", sympy.pi / 4),
        ("2e-3", sympy.Rational(1, 500)),
        (" 4 ", sympy.Integer(4)),
    ],
)
def test_points_are_exact_numbers(text, value):
    assert parse_point(text) == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Type a value"),
        ("w", "only"),
        ("1/0", "not a finite"),
        ("10^400", "too large"),
        ("sqrt(-1)", "not a finite real"),
    ],
)
def test_bad_points_are_refused_with_a_reason(text, words):
    with pytest.raises(ExpressionError) as err:
        parse_point(text)
    assert words.lower() in err.value.message.lower()


def test_steps_are_the_floats_python_reads():
    # The lab writes 0.001 and 0.000000001: the same doubles as float('0.001').
    assert parse_step("0.001") == 0.001
    assert parse_step("0.000000001") == 1e-9
    assert parse_step("3e-9") == 3e-9
    assert parse_step("2^-20") == 2.0**-20
    assert parse_step("1/1024") == 1 / 1024


@pytest.mark.parametrize("text", ["0", "-1e-3", "0.0", "-0"])
def test_non_positive_steps_are_refused(text):
    with pytest.raises(ExpressionError, match="greater than 0"):
        parse_step(text)


@pytest.mark.parametrize("text", ["nan", "inf", "", "abc", "1e999"])
def test_unreadable_steps_are_refused(text):
    with pytest.raises(ExpressionError):
        parse_step(text)


def test_several_points_and_the_column_of_a_bad_one():
    assert parse_points("2, 3, -3") == [2, 3, -3]
    with pytest.raises(ExpressionError) as err:
        parse_points("2, 3, x")
    assert err.value.position is None or err.value.position >= 6
