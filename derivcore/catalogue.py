"""The function catalogue: every function J may contain, with its implementations in one place.

For each function: the names a student may type (the first is the one the parser builds with),
its SymPy class, and its value in complex floating point (cmath, for the parser's size bounds),
in NumPy (float64/32/16 scalars) and in mpmath (a function of an mpmath context). Functions that
no one types but that SymPy's derivatives contain (cot, erf, ...) have no names.

The machine-learning functions are not SymPy functions: the parser writes them out as
σ(u) = 1/(1 + e^(−u)), softplus(u) = log(1 + e^u) and relu(u) = max(0, u), and the modules
that name them again (the computation graph, the steps) recognise them by those shapes with
`sigmoid_argument`, `softplus_argument` and `relu_argument`. `sigmoid`, `softplus` and `relu`
are SymPy functions for the graph, which draws each as one node.

`MATH_OF_NUMPY_NAME` maps the names NumPy's code printer writes to Python's `math` functions of
the same maths: float64 code calls those so that it equals plain Python bit for bit.
"""

import cmath
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

# ---------------------------------------------------------------------------------------------
# The three functions the parser expands, kept whole where one node must stand for each.


class sigmoid(sympy.Function):
    """σ(u) = 1/(1 + e^(−u)), with σ′(u) = σ(u)·(1 − σ(u))."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _sympystr(self, printer):
        return f"σ({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        tex = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class softplus(sympy.Function):
    """softplus(u) = log(1 + e^u), with softplus′(u) = σ(u)."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class relu(sympy.Function):
    """relu(u) = max(0, u), with relu′(u) = H(u): 1 for u > 0, 0 for u < 0, none at 0."""

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


# ---------------------------------------------------------------------------------------------
# The parser's shapes of σ, softplus and relu, and recognising them in a SymPy expression.


def sigmoid_formula(u: sympy.Expr) -> sympy.Expr:
    """σ(u) as the parser writes it: 1/(1 + e^(−u))."""
    return 1 / (1 + sympy.exp(-u))


def softplus_formula(u: sympy.Expr) -> sympy.Expr:
    """softplus(u) as the parser writes it: log(1 + e^u)."""
    return sympy.log(1 + sympy.exp(u))


def relu_formula(u: sympy.Expr) -> sympy.Expr:
    """relu(u) as the parser writes it: max(0, u)."""
    return sympy.Max(0, u)


def exp_in_one_plus(expr: sympy.Expr) -> sympy.Expr | None:
    """X when expr is 1 + e^X (σ's denominator, softplus's argument), else None."""
    if isinstance(expr, sympy.Add) and len(expr.args) == 2 and sympy.S.One in expr.args:
        (other,) = (a for a in expr.args if a != 1)
        if isinstance(other, sympy.exp):
            return other.args[0]
    return None


def sigmoid_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """u when expr is 1/(1 + e^(−u)), the parser's σ(u), else None (u is −X, not simplified)."""
    if isinstance(expr, sympy.Pow) and expr.exp == -1:
        x = exp_in_one_plus(expr.base)
        if x is not None:
            return -x
    return None


def softplus_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """u when expr is log(1 + e^u), the parser's softplus(u), else None."""
    if isinstance(expr, sympy.log) and len(expr.args) == 1:
        return exp_in_one_plus(expr.args[0])
    return None


def relu_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """u when expr is max(0, u), the parser's relu(u), else None."""
    if isinstance(expr, sympy.Max) and len(expr.args) == 2 and sympy.S.Zero in expr.args:
        return next(a for a in expr.args if a != 0)
    return None


# ---------------------------------------------------------------------------------------------
# The catalogue.


def _complex_relu(z: complex) -> complex:
    if z.imag:
        raise ValueError("relu of a complex number")
    return complex(max(0.0, z.real))


def _mp(name: str) -> Callable:
    """The mpmath function `name` of whatever context is passed (contexts differ in precision)."""

    def call(context, *args):
        return getattr(context, name)(*args)

    return call


@dataclass(frozen=True)
class KnownFunction:
    """One function: typed `names` (none for those only derivatives contain), its SymPy class (for
    σ, softplus and relu the graph's one-node class; None for sqrt, a power), its implementations
    (None where nothing needs one), and `work`, what building one call
    costs SymPy in units of sin(w) (about 1 ms with a cold cache)."""

    names: tuple[str, ...]
    sympy: type | None
    complex: Callable | None
    numpy: Callable | None
    mpmath: Callable | None
    work: int = 1


FUNCTIONS: tuple[KnownFunction, ...] = (
    KnownFunction(("sin",), sympy.sin, cmath.sin, np.sin, _mp("sin")),
    KnownFunction(("cos",), sympy.cos, cmath.cos, np.cos, _mp("cos")),
    KnownFunction(("tan",), sympy.tan, cmath.tan, np.tan, _mp("tan")),
    KnownFunction(("asin", "arcsin"), sympy.asin, cmath.asin, np.arcsin, _mp("asin")),
    KnownFunction(("acos", "arccos"), sympy.acos, cmath.acos, np.arccos, _mp("acos")),
    KnownFunction(("atan", "arctan"), sympy.atan, cmath.atan, np.arctan, _mp("atan")),
    KnownFunction(("sinh",), sympy.sinh, cmath.sinh, np.sinh, _mp("sinh")),
    KnownFunction(("cosh",), sympy.cosh, cmath.cosh, np.cosh, _mp("cosh")),
    KnownFunction(("tanh",), sympy.tanh, cmath.tanh, np.tanh, _mp("tanh")),
    KnownFunction(("exp",), sympy.exp, cmath.exp, np.exp, _mp("exp")),
    KnownFunction(("log", "ln"), sympy.log, cmath.log, np.log, _mp("log")),
    # Parsed as the power u^(1/2), so every arithmetic takes it as a power, not as a call.
    KnownFunction(("sqrt",), None, None, None, None),
    KnownFunction(("abs",), sympy.Abs, abs, np.abs, _mp("fabs"), work=2),
    KnownFunction(
        ("sigmoid",),
        sigmoid,
        None,
        lambda u: 1 / (1 + np.exp(-u)),
        lambda mp, u: 1 / (1 + mp.exp(-u)),
        work=3,
    ),
    KnownFunction(
        ("softplus",),
        softplus,
        None,
        lambda u: np.log(1 + np.exp(u)),
        lambda mp, u: mp.log(1 + mp.exp(u)),
        work=4,
    ),
    KnownFunction(
        ("relu",),
        relu,
        _complex_relu,
        lambda u: np.maximum(np.float64(0), u),
        lambda mp, u: u if u > 0 else mp.zero,
        work=3,
    ),
    # Only in derivatives and SymPy's rewrites; NumPy's float code never meets them in a graph.
    KnownFunction((), sympy.asinh, None, np.arcsinh, _mp("asinh")),
    KnownFunction((), sympy.acosh, None, np.arccosh, _mp("acosh")),
    KnownFunction((), sympy.atanh, None, np.arctanh, _mp("atanh")),
    KnownFunction((), sympy.cot, None, None, _mp("cot")),
    KnownFunction((), sympy.sec, None, None, _mp("sec")),
    KnownFunction((), sympy.csc, None, None, _mp("csc")),
    KnownFunction((), sympy.erf, None, None, _mp("erf")),
)

TYPED: dict[str, KnownFunction] = {name: f for f in FUNCTIONS for name in f.names}
"""Every name a student may type → its function (`ln` and `log` are one)."""

BY_SYMPY: dict[type, KnownFunction] = {f.sympy: f for f in FUNCTIONS if f.sympy is not None}
"""SymPy class → its function."""

NUMPY_OF_SYMPY: dict[type, Callable] = {
    cls: f.numpy for cls, f in BY_SYMPY.items() if f.numpy is not None
}
"""SymPy class → its NumPy implementation, for the graph's float passes."""

MATH_OF_NUMPY_NAME: dict[str, Callable] = {
    "exp": math.exp,
    "expm1": math.expm1,
    "log": math.log,
    "log1p": math.log1p,
    "log2": math.log2,
    "log10": math.log10,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "arcsin": math.asin,
    "arccos": math.acos,
    "arctan": math.atan,
    "arctan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "arcsinh": math.asinh,
    "arccosh": math.acosh,
    "arctanh": math.atanh,
}
"""Names NumPy's printer writes in float code → Python's `math` function of the same maths."""


def canonical_name(typed: str) -> str:
    """The name the parser builds with for a typed function name ('ln' → 'log')."""
    return TYPED[typed].names[0]
