"""Difference quotients k ≈ J′(x), computed in a given dtype exactly as the formulas are written
(the schemes and their formulas are defined in `derivcore.schemes`).

x, ε and every value of f are numbers of the dtype and every operation rounds in it (the complex
step runs in complex128 / complex64; NumPy has no complex type built on float16). With
`step_trick`, h′ = (x + ε) − x, computed in the dtype, replaces ε everywhere: x + h′ is exactly
representable, so the step the quotient divides by is the step that was really taken. (The
complex step rounds no x + ε, so it ignores the trick.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import sympy

from derivcore.numeric import COMPLEX_DTYPES, DTYPES, Values, compile_function, round_to_dtype
from derivcore.schemes import scheme_named
from derivcore.smoothness import NON_ANALYTIC

_NO_COMPLEX_TYPE = (
    "The complex step needs complex numbers, and NumPy has no complex type built on {dtype}."
)


def validate_scheme(scheme: str) -> str:
    return scheme_named(scheme).name


def validate_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"Unknown number type '{dtype}'; choose one of {', '.join(DTYPES)}.")
    return dtype


def validate_eps(eps) -> float:
    """ε as a float; ValueError("ε must be a positive number") unless it is finite and > 0."""
    try:
        value = float(eps)
    except (TypeError, ValueError):
        raise ValueError("ε must be a positive number.") from None
    if isinstance(eps, bool) or not np.isfinite(value) or value <= 0:
        raise ValueError("ε must be a positive number.")
    return value


def validate_point(x) -> float:
    """x as a float; ValueError("The point must be a finite number.") for nan, ±inf, or an
    integer beyond float64's range (which `float` refuses with OverflowError)."""
    try:
        value = float(x)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("The point must be a finite number.") from None
    if isinstance(x, bool) or not np.isfinite(value):
        raise ValueError("The point must be a finite number.")
    return value


def non_analytic_parts(expr: sympy.Expr) -> list[str]:
    """Names of the non-analytic functions in `expr` (abs, max, sign, ...), sorted."""
    return sorted({name for kind, name in NON_ANALYTIC.items() if expr.has(kind)})


def complex_step_unavailable(expr: sympy.Expr, dtype: str) -> str | None:
    """Why the complex step cannot be used for J in `dtype`, or None when it can."""
    if dtype not in COMPLEX_DTYPES:
        return _NO_COMPLEX_TYPE.format(dtype=dtype)
    parts = non_analytic_parts(expr)
    if parts:
        return (
            f"The complex step needs J to be analytic (a power series around every point), "
            f"but J uses {', '.join(parts)}; evaluated at x + iε it no longer says anything "
            f"about J′."
        )
    return None


def _not_analytic_at(expr: sympy.Expr, var: str, x, values) -> str | None:
    """Why the complex step says nothing at this x: J is not real on both sides of it (sqrt at
    0 is a branch point: Im √(iε)/ε = 1/√(2ε), not a slope), or None."""
    x = float(x)
    d = max(abs(x), 1.0) * 1e-9
    around = compile_function(expr, var, "float64", values)(np.array([x - d, x, x + d]))
    if np.isfinite(around).all() or not np.isfinite(around[1]):
        return None  # analytic here, or undefined at x itself (then k is nan, as elsewhere)
    return (
        f"The complex step needs J to be analytic around {var} = {x!r}, but J is not a real "
        f"number on both sides of it (a branch point or the edge of its domain): there "
        f"Im J({var} + iε)/ε says nothing about J′."
    )


def shifted(x, h, offset: int):
    """x + h, x − h, x + 2h or x − 2h as the formulas write them, rounded in the dtype of x, h."""
    with np.errstate(all="ignore"):
        step = h if abs(offset) == 1 else abs(offset) * h
        return x + step if offset > 0 else x - step


class Stencil:
    """f at the points x + a·h of the schemes, each computed once and shared between schemes.

    `x` and the steps are numbers of `dtype`; `h` is ε rounded to the dtype, or h′ = (x+ε) − x
    with the step trick. `function` evaluates f in `dtype`; `complex_function` (only needed for
    the complex step) evaluates it in the matching complex type.
    """

    def __init__(
        self,
        function: Callable,
        x,
        eps,
        dtype: str,
        step_trick: bool = False,
        complex_function: Callable | None = None,
    ):
        self.dtype = np.dtype(dtype)
        scalar = self.dtype.type
        self.x = scalar(round_to_dtype(x, dtype))
        with np.errstate(all="ignore"):
            rounded_eps = np.asarray(eps, dtype=np.float64).astype(self.dtype)
            self.h = (self.x + rounded_eps) - self.x if step_trick else rounded_eps
        # x + iε rounds nothing (ε is the imaginary part): the complex step never needs the trick
        self.imaginary_step = rounded_eps
        self._function = function
        self._complex_function = complex_function
        self._values: dict[int, np.ndarray] = {}

    def point(self, offset: int) -> np.ndarray:
        """x + a·h as the formulas write it (see `shifted`); x itself as a 1-element array."""
        if offset == 0:
            return np.full(1, self.x)
        return shifted(self.x, self.h, offset)

    def value(self, offset: int) -> np.ndarray:
        """f(x + a·h) in the dtype (shape (1,) for a = 0, so that it broadcasts)."""
        if offset not in self._values:
            self._values[offset] = self._function(self.point(offset))
        return self._values[offset]

    def complex_value(self) -> np.ndarray:
        """f(x + i·h) in the complex type."""
        if "complex" not in self._values:
            complex_type = np.dtype(COMPLEX_DTYPES[self.dtype.name])
            z = np.empty(self.imaginary_step.shape, dtype=complex_type)
            z.real, z.imag = self.x, self.imaginary_step
            self._values["complex"] = self._complex_function(z)
        return self._values["complex"]

    def quotient(self, scheme: str) -> np.ndarray:
        """k for every step, in the dtype; nan wherever f(x) or a value of f used is not
        finite."""
        definition = scheme_named(scheme)
        if definition.imaginary:
            return self._complex_quotient()
        with np.errstate(all="ignore"):
            k = definition.combine(self.value, self.h)
            # f(x) must exist even where the formula does not use it: at a pole of J (1/w at
            # 0) the central quotient is a number, but it is not an estimate of anything.
            used = functools.reduce(
                np.logical_and, [np.isfinite(self.value(a)) for a in {0, *definition.offsets}]
            )
        return np.where(used, k, np.nan).astype(self.dtype)

    def real_at_x(self) -> bool:
        """Whether J(x + 0i) is a finite real number: sqrt(−1 + 0i) = i is not."""
        at_x = self._complex_function(np.full(1, self.x, dtype=COMPLEX_DTYPES[self.dtype.name]))
        return bool(np.isfinite(at_x[0]) and at_x[0].imag == 0)

    def _complex_quotient(self) -> np.ndarray:
        fz = self.complex_value()
        with np.errstate(all="ignore"):
            k = scheme_named("complex_step").combine(lambda _: fz, self.imaginary_step)
            usable = np.isfinite(fz) & self.real_at_x()
        return np.where(usable, k, np.nan).astype(self.dtype)


def difference_quotients(
    fn: Callable, x, eps_array, scheme: str, dtype: str, step_trick: bool = False
) -> np.ndarray:
    """k for every ε in `eps_array` at once, computed in `dtype`; an array of that dtype.

    `fn` evaluates f in `dtype` (see `numeric.compile_function`); for the complex step it must
    evaluate f in the complex type (complex128 for float64, complex64 for float32). Where a point
    of the stencil leaves the domain of f (or f is not finite there) k is nan.
    """
    validate_scheme(scheme)
    validate_dtype(dtype)
    if scheme == "complex_step":
        if dtype not in COMPLEX_DTYPES:
            raise ValueError(_NO_COMPLEX_TYPE.format(dtype=dtype))
        stencil = Stencil(None, x, eps_array, dtype, step_trick, complex_function=fn)
    else:
        stencil = Stencil(fn, x, eps_array, dtype, step_trick)
    return stencil.quotient(scheme)


def finite_difference(
    expr: sympy.Expr,
    var: str,
    x,
    eps,
    scheme: str = "forward",
    dtype: str = "float64",
    values: Values = None,
    step_trick: bool = False,
) -> float:
    """The difference quotient k of J at x with step ε, computed in `dtype`, as a Python float.

    In float64 this is bit for bit the plain Python formula, e.g. ((3 + 1e-9)**2 − 3**2)/1e-9
    = 6.000000496442226. Outside the domain of J the result is nan, never an exception.
    Raises ValueError("ε must be a positive number.") for ε ≤ 0, nan or ±inf, for a point that
    is not a finite number, for unknown schemes or dtypes, and (with the reason as the message)
    for the complex step where it does not apply (float16, or J non-analytic).
    """
    validate_scheme(scheme)
    validate_dtype(dtype)
    eps = validate_eps(eps)
    validate_point(x)
    if scheme == "complex_step":
        reason = complex_step_unavailable(expr, dtype) or _not_analytic_at(expr, var, x, values)
        if reason:
            raise ValueError(reason)
        stencil = Stencil(
            None,
            x,
            [eps],
            dtype,
            step_trick,
            complex_function=compile_function(expr, var, COMPLEX_DTYPES[dtype], values),
        )
    else:
        stencil = Stencil(compile_function(expr, var, dtype, values), x, [eps], dtype, step_trick)
    return float(stencil.quotient(scheme)[0])
