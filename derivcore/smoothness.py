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
