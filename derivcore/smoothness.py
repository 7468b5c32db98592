"""Functions whose formula switches at some points (|u| at 0, max(0, u) at 0, ...).

SymPy differentiates them into sign/Heaviside, whose values at the switch are not one-sided
slopes, and they have no power series there, so the complex step misreads them. The names are
for messages."""

import sympy

NON_SMOOTH = {
    sympy.Abs: "abs",
    sympy.Max: "max (relu)",
    sympy.Min: "min",
    sympy.sign: "sign",
    sympy.Heaviside: "Heaviside",
    sympy.Piecewise: "a piecewise definition",
    sympy.floor: "floor",
    sympy.ceiling: "ceiling",
}

# Not analytic either, though smooth on the reals: they break the complex step too.
NON_ANALYTIC = {
    **NON_SMOOTH,
    sympy.re: "re",
    sympy.im: "im",
    sympy.arg: "arg",
    sympy.conjugate: "conjugate",
}


def is_smooth(expr: sympy.Expr) -> bool:
    """True when `expr` uses none of the switching functions."""
    return not expr.has(*NON_SMOOTH)


def _zero_almost_everywhere(e: sympy.Expr) -> bool:
    """DiracDelta (from d sign/dw, d Heaviside/dw) and d floor/dw, d ceiling/dw: 0 except at
    isolated points, where J is not differentiable anyway."""
    return isinstance(e, sympy.DiracDelta) or (
        isinstance(e, sympy.Derivative) and isinstance(e.expr, (sympy.floor, sympy.ceiling))
    )


def without_point_terms(derivative: sympy.Expr) -> sympy.Expr:
    """A derivative of J with its parts that are 0 except at switching points set to 0, so that
    it can be evaluated (nothing evaluates DiracDelta); right wherever no function switches."""
    return derivative.replace(_zero_almost_everywhere, lambda _: sympy.Integer(0))
