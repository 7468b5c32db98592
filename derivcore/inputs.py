"""Reading the numbers a student types (the point w and the step ε) with clear refusals."""

import math
import re

import sympy

from derivcore.expressions import ExpressionError, parse

# A plain decimal such as 0.001, 3e-9 or -2.5: read by Python's own float() so that ε = 0.001
# is bit for bit the literal the lab writes.
_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def parse_point(text: str, name: str = "w") -> sympy.Expr:
    """The point as an exact real number: '3', '-0.5' (= -1/2), 'pi/4', '2e-3'."""
    if not text or not text.strip():
        raise ExpressionError(f"Type a value for {name}, for example 3.", None)
    value = parse(text, variables=[])
    if not value.is_number:
        raise ExpressionError(f"The value of {name} must be a number.", None)
    if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan) or value.is_real is False:
        raise ExpressionError(
            f"{name} = {text.strip()} is not a finite real number: type an ordinary number.", None
        )
    if not math.isfinite(float(value)):
        raise ExpressionError(f"{name} = {text.strip()} is too large: keep |{name}| below 1e300.")
    return value


def parse_step(text: str) -> float:
    """The step ε as a positive finite float: '0.001', '1e-9', '2^-20', '1/1024'."""
    if not text or not text.strip():
        raise ExpressionError("Type a step ε, for example 0.001.", None)
    if _DECIMAL.match(text):
        eps = float(text)
    else:
        value = parse(text, variables=[])
        if not value.is_number or value.is_real is False or value.has(sympy.zoo, sympy.nan):
            raise ExpressionError("ε must be a number, for example 0.001 or 1e-9.", None)
        eps = float(value)
    if not math.isfinite(eps):
        raise ExpressionError("ε must be a finite number, for example 0.001.", None)
    if eps <= 0:
        raise ExpressionError(
            "ε must be greater than 0: the nudge divides by ε. Try 0.001 or 1e-9.", None
        )
    return eps


def parse_points(text: str, name: str = "w") -> list[sympy.Expr]:
    """Several points separated by commas ('2, 3, -3'); a column in an error counts from the
    start of the whole text."""
    points, start = [], 0
    for piece in text.split(","):
        try:
            points.append(parse_point(piece, name))
        except ExpressionError as err:
            position = None if err.position is None else start + err.position
            raise ExpressionError(f"In '{piece.strip()}': {err.message}", position) from None
        start += len(piece) + 1
    if len(points) > 20:
        raise ExpressionError("At most 20 points at once, please.", None)
    return points
