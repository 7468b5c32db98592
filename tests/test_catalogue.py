"""Tests for derivcore.catalogue: every implementation of a function computes that function.

The reference for each value is SymPy's own evaluation of the function (or of the parser's
written-out σ, softplus and relu) at 50 digits, not the catalogue's code.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy

from derivcore.catalogue import (
    FUNCTIONS,
    MATH_OF_NUMPY_NAME,
    TYPED,
    relu,
    relu_argument,
    relu_formula,
    sigmoid,
    sigmoid_argument,
    sigmoid_formula,
    softplus,
    softplus_argument,
    softplus_formula,
)
from derivcore.expressions import parse

# A point inside every function's real domain (acosh needs > 1), as an exact rational.
POINTS = {sympy.acosh: sympy.Rational(3, 2)}
DEFAULT_POINT = sympy.Rational(3, 10)
WRITTEN_OUT = {sigmoid: sigmoid_formula, softplus: softplus_formula, relu: relu_formula}


def reference(function: type, point: sympy.Rational) -> float:
    """The function at the point, from SymPy at 50 digits (σ, softplus, relu as the parser
    writes them)."""
    u = sympy.Symbol("u", real=True)
    expr = WRITTEN_OUT[function](u) if function in WRITTEN_OUT else function(u)
    return float(expr.subs(u, point).evalf(50))


CASES = [
    pytest.param(f, POINTS.get(f.sympy, DEFAULT_POINT), id=f.sympy.__name__)
    for f in FUNCTIONS
    if f.sympy is not None
]


@pytest.mark.parametrize(("function", "point"), CASES)
def test_every_implementation_computes_the_function(function, point):
    expected = reference(function.sympy, point)
    x = float(point)
    if function.numpy is not None:
        assert float(function.numpy(np.float64(x))) == pytest.approx(expected, rel=1e-15)
    if function.complex is not None:
        assert complex(function.complex(complex(x))).real == pytest.approx(expected, rel=1e-15)
    context = mpmath.MPContext()
    context.dps = 50
    exact = function.mpmath(context, context.mpf(point.p) / point.q)
    assert float(exact) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(("name", "function"), sorted(MATH_OF_NUMPY_NAME.items()))
def test_python_math_and_numpy_names_are_the_same_function(name, function):
    x = 0.3 if name not in ("arccosh",) else 1.5
    arguments = (x, 0.7) if name == "arctan2" else (x,)
    numpy_value = float(getattr(np, name)(*arguments))
    assert function(*arguments) == pytest.approx(numpy_value, rel=1e-15)


def test_every_typed_name_parses_to_its_function():
    for name, function in TYPED.items():
        built = parse(f"{name}(w/3 + 1/5)")
        w = sympy.Symbol("w", real=True)
        at = float(built.subs(w, sympy.Rational(3, 10)).evalf(50))
        if function.sympy in WRITTEN_OUT or function.sympy is None:
            expected = {
                "sqrt": math.sqrt(0.3),
                "sigmoid": 1 / (1 + math.exp(-0.3)),
                "softplus": math.log(1 + math.exp(0.3)),
                "relu": 0.3,
            }[function.names[0]]
        else:
            expected = reference(function.sympy, sympy.Rational(3, 10))
        assert at == pytest.approx(expected, rel=1e-14), name


def test_the_parsers_ml_functions_are_recognised():
    w = sympy.Symbol("w", real=True)
    assert sympy.expand(sigmoid_argument(parse("sigmoid(2w + 1)"))) == 2 * w + 1
    assert softplus_argument(parse("softplus(w^2)")) == w**2
    assert relu_argument(parse("relu(w - 1)")) == w - 1
    for other in ("1/(2 + exp(-w))", "log(1 + exp(w) + w)", "abs(w)", "exp(w)"):
        expr = parse(other)
        assert sigmoid_argument(expr) is None, other
        assert softplus_argument(expr) is None, other
        assert relu_argument(expr) is None, other
