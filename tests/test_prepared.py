"""A function made ready once: parsed, differentiated and simplified under the time bound."""

import pytest
import sympy

from derivcore.expressions import ExpressionError
from derivcore.prepared import default_variable, differentiate, prepare, variables_of

w, x, b, y = sympy.symbols("w x b y", real=True)


def test_the_labs_exercise_is_prepared_with_its_derivative():
    fn = prepare("1/w^2")
    assert fn.var == "w" and fn.variables == ("w",)
    # d/dw w^-2 = -2 w^-3, by hand.
    assert sympy.simplify(fn.derivative - (-2 / w**3)) == 0
    assert fn.derivative_latex == r"- \frac{2}{w^{3}}"


def test_several_variables_default_to_w_and_take_partials():
    fn = prepare("(w*x + b - y)^2")
    assert fn.variables == ("b", "w", "x", "y")
    assert fn.var == "w"
    assert sympy.expand(fn.derivative - 2 * x * (w * x + b - y)) == 0
    by_b = prepare("(w*x + b - y)^2", "b")
    assert sympy.expand(by_b.derivative - 2 * (w * x + b - y)) == 0


def test_default_variable():
    assert default_variable([]) == "w"
    assert default_variable(["a", "w"]) == "w"
    assert default_variable(["a", "x"]) == "a"
    assert variables_of("a*x + 3") == ["a", "x"]


def test_refused_text_raises_the_parsers_error():
    with pytest.raises(ExpressionError):
        prepare("__import__('os')")


@pytest.mark.parametrize("text", ["1/0", "w/0", "w + log(0)"])
def test_a_function_undefined_everywhere_is_refused(text):
    with pytest.raises(ExpressionError, match="undefined everywhere"):
        prepare(text)


def test_higher_orders_and_their_bounds():
    raw, simple = differentiate(w**12, "w", 10)
    assert simple == sympy.factorial(12) / sympy.factorial(2) * w**2
    with pytest.raises(ValueError, match="1 to 10"):
        differentiate(w**2, "w", 11)
