"""One verdict about the typed point, for every page: the exact point decides whether J is
defined and differentiable there (`point_values.derivative_at`); what floating point computes
next to it is labelled as that, with how far the float lies from the point.

`tan(w)` at π/2 has no derivative, yet the nearest float, 1.5707963267948966, lies 6.1e-17 below
the pole, where tan is 1.6e16: a page that shows numbers there says so.
"""

import sympy

from derivcore.point_values import PointValue


def nearest_float_note(var: str, point: sympy.Expr, x: float) -> str:
    """Where the float x that the numerics use lies relative to the exact point, in words."""
    gap = sympy.N(point - sympy.Rational(x), 3)
    if gap == 0:
        return f"{var} = {x!r} is exactly the point typed"
    side = "below" if gap > 0 else "above"
    return (
        f"the nearest float to {point} is {var} = {x!r}, {abs(float(gap)):.2g} {side} it"
    )


def singular_point_note(value: PointValue, var: str, point: sympy.Expr, x: float) -> str | None:
    """The verdict to show where J′ has no value at the exact point (None where it has one):
    the reason, and what the numbers on the page are instead."""
    if value.defined:
        return None
    reason = value.message if value.message.endswith(".") else f"{value.message}."
    return (
        f"{reason} The numbers on this page are what floating point computes there: "
        f"{nearest_float_note(var, point, x)}."
    )
