"""Evaluating J numerically, really in float64, float32 or float16 (high precision: `precise`).

`compile_function` turns a SymPy expression into a NumPy function whose every operation runs in the
requested dtype. Three things make that true to the last bit:

- Constants are printed as Python float literals already rounded to the target precision. NumPy 2
  (NEP 50) treats Python scalars as "weak", so they adopt the array's dtype; a printed
  `numpy.sqrt(2)` or `numpy.pi * 2` would be a strong float64 and silently upcast float32 work.
- Negative integer powers are printed as `1/(x**n)`, the way people write them (the lab computes
  `1/(4 + 0.001)**2`), not `x**(-n)`, which is a different rounding.
- In float64, powers and elementary functions follow Python's own float semantics (`x**n` and
  `math.exp`, i.e. the C library), so a float64 quotient equals the plain Python formula bit for
  bit. NumPy's vectorised `exp`, `tanh`, `x**3` differ from them by an ulp for a few percent of
  arguments on machines with AVX-512. float32/float16/complex work uses NumPy's own kernels (float16
  is computed by NumPy in float32 and rounded after every operation).

`precise.precise_function` gives the same expression in mpmath for the high-precision
references; `precise_parameters` are the other variables' values exactly as used here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping

import numpy as np
import sympy
from mpmath import libmp
from sympy.printing.numpy import NumPyPrinter

from derivcore.catalogue import MATH_OF_NUMPY_NAME
from derivcore.symbols import other_symbols, symbol_for

DTYPES = ("float64", "float32", "float16")
COMPLEX_DTYPES = {"float64": "complex128", "float32": "complex64"}
_REAL_OF = {
    "float64": "float64",
    "float32": "float32",
    "float16": "float16",
    "complex128": "float64",
    "complex64": "float32",
}
_WORKING_BITS = 256  # exact for every dyadic rational that can be a tie in these types
_EXACT_INTEGER_LIMIT = 2**53  # larger Python ints would be rounded (or overflow) on conversion

Values = Mapping[str, object] | None


def real_dtype_of(dtype: str) -> str:
    """The real dtype behind `dtype` ("complex64" -> "float32"); ValueError for unknown names."""
    try:
        return _REAL_OF[dtype]
    except KeyError:
        choices = ", ".join(_REAL_OF)
        raise ValueError(f"Unknown number type '{dtype}'; choose one of {choices}.") from None


def round_to_dtype(value, dtype: str) -> float:
    """The number of `dtype` nearest to `value` (a Python or SymPy number), as a Python float.

    Exact SymPy numbers (1/10, pi, sqrt(2)) are rounded once, straight to the target precision
    (ties to even, subnormals included), not via float64. Non-real or undefined values give
    nan; overflow gives ±inf.
    """
    real = real_dtype_of(dtype)
    scalar = np.dtype(real).type
    if isinstance(value, (float, np.floating)):
        with np.errstate(all="ignore"):
            return float(scalar(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        number = sympy.Integer(int(value))
    elif isinstance(value, sympy.Expr) and value.is_number:
        number = value
    else:
        raise TypeError(f"Expected a number, got {value!r}.")
    if number.is_Rational:
        exact = libmp.from_rational(int(number.p), int(number.q), _WORKING_BITS, "n")
    else:
        approx = sympy.N(number, 60)
        if approx in (sympy.oo, sympy.S.NegativeInfinity):
            return math.copysign(math.inf, float(approx))
        if not approx.is_Float:
            return math.nan  # complex, zoo or nan
        exact = libmp.mpf_pos(approx._mpf_, _WORKING_BITS, "n")
    with np.errstate(all="ignore"):
        guess = scalar(libmp.to_float(libmp.mpf_pos(exact, 53, "n")))
        if not np.isfinite(guess):
            return float(guess)  # beyond the largest finite number of the dtype
        # The cast above may round twice (to 53 bits, then to the dtype, e.g. to a float16
        # subnormal); the nearest of the guess and its neighbours, by exact comparison, may not.
        neighbours = [np.nextafter(guess, -np.inf), guess, np.nextafter(guess, np.inf)]

    best, best_gap = guess, None
    for candidate in neighbours:
        if not np.isfinite(candidate):
            continue
        gap = libmp.mpf_abs(libmp.mpf_sub(libmp.from_float(float(candidate)), exact))
        order = 1 if best_gap is None else libmp.mpf_cmp(gap, best_gap)
        even = int(np.array(candidate).view(f"u{candidate.itemsize}")) % 2 == 0
        if best_gap is None or order < 0 or (order == 0 and even):
            best, best_gap = candidate, gap
    return float(best)


def _literal(value: float) -> str:
    """Python source for a float literal (callers parenthesise by the constant's precedence)."""
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    return repr(value)


class DtypePrinter(NumPyPrinter):
    """NumPy code printer whose constants are literals in the target precision.

    `python_pow` prints powers as `power(b, e)` so that float64 can use Python's `**`.
    """

    def __init__(self, dtype: str, python_pow: bool):
        super().__init__(
            {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}
        )
        self._dtype = dtype
        self._python_pow = python_pow

    def _print(self, expr, **kwargs):
        # Any constant that is not an exact rational: one correctly rounded literal.
        if isinstance(expr, sympy.Expr) and expr.is_number and not expr.is_Rational:
            return _literal(round_to_dtype(expr, self._dtype))
        return super()._print(expr, **kwargs)

    def _print_Integer(self, expr):
        if abs(int(expr)) <= _EXACT_INTEGER_LIMIT:
            return str(int(expr))
        return _literal(round_to_dtype(expr, self._dtype))

    def _print_Rational(self, expr):
        return _literal(round_to_dtype(expr, self._dtype))

    def _print_Half(self, expr):
        return self._print_Rational(expr)

    def _print_Heaviside(self, expr):
        # NumPy's ufunc keeps the dtype; the default select() of constants would be float64.
        return f"heaviside({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _power(self, base, exponent) -> str:
        if self._python_pow:
            return f"power({self._print(base)}, {self._print(exponent)})"
        precedence = sympy.printing.precedence.precedence(sympy.Pow(base, exponent, evaluate=False))
        return (
            f"{self.parenthesize(base, precedence, strict=True)}**"
            f"{self.parenthesize(exponent, precedence, strict=False)}"
        )

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent == sympy.S.Half:
            return f"sqrt({self._print(base)})"
        if exponent == -sympy.S.Half:
            return f"1/sqrt({self._print(base)})"
        if exponent.is_Integer and exponent < 0:
            if exponent == -1:
                return f"1/{self.parenthesize(base, 50, strict=True)}"
            return f"1/({self._power(base, -exponent)})"
        return self._power(base, exponent)

    def _print_Mul(self, expr):
        # As written by hand: numerator factors, then "/" and the denominator factors
        # (w/3, 3/w**2, x*pi/2), never (1/3)*w, whose rounding differs from w/3.
        coefficient, rest = expr.as_coeff_Mul()
        sign = ""
        if coefficient < 0:
            sign, coefficient = "-", -coefficient
        numerator, denominator = [], []
        if coefficient.is_Rational:
            if coefficient.p != 1:
                numerator.append(sympy.Integer(coefficient.p))
            if coefficient.q != 1:
                denominator.append(sympy.Integer(coefficient.q))
        elif coefficient != 1:
            numerator.append(coefficient)
        for factor in sympy.Mul.make_args(rest):
            base, exponent = factor.as_base_exp()
            if not factor.is_number and exponent.is_Rational and exponent.is_negative:
                denominator.append(
                    base if exponent == -1 else sympy.Pow(base, -exponent, evaluate=False)
                )
            else:
                numerator.append(factor)
        precedence = sympy.printing.precedence.PRECEDENCE["Mul"]
        top = "*".join(self.parenthesize(f, precedence, strict=False) for f in numerator) or "1"
        if not denominator:
            return sign + top
        if len(denominator) == 1:
            bottom = self.parenthesize(denominator[0], precedence, strict=True)
        else:
            bottom = (
                "("
                + "*".join(self.parenthesize(f, precedence, strict=False) for f in denominator)
                + ")"
            )
        return f"{sign}{top}/{bottom}"


def _python_scalar(function: Callable, numpy_fallback: Callable) -> Callable:
    """Elementwise `function` with Python float semantics; IEEE results where Python raises.

    `math.log(0)` raises, IEEE says -inf; `math.exp(1000)` raises, IEEE says inf. The NumPy
    fallback only ever produces these non-finite values, so its last bit never matters.
    The common case maps `function` over a list (twice as fast as np.frompyfunc); only when
    something raises or comes out complex is the array redone value by value.
    """

    def scalar(*arguments):
        try:
            result = function(*arguments)
        except (ValueError, OverflowError, ZeroDivisionError):
            with np.errstate(all="ignore"):
                return float(numpy_fallback(*(np.float64(a) for a in arguments)))
        return float(result) if isinstance(result, (float, int)) else math.nan  # complex: no

    def apply(*arguments):
        arrays = np.broadcast_arrays(*(np.asarray(a) for a in arguments))
        columns = [a.ravel().tolist() for a in arrays]
        try:
            flat = np.fromiter(map(function, *columns), np.float64, len(columns[0]))
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            flat = np.fromiter(map(scalar, *columns), np.float64, len(columns[0]))
        return flat.reshape(arrays[0].shape)

    return apply


def _python_power(base, exponent):
    return base**exponent


# The float64 namespace: NumPy's names, backed by Python's own float functions (the catalogue's
# map). sqrt keeps NumPy's vectorised kernel: IEEE makes both correctly rounded, so they agree.
_PYTHON_FLOAT64 = {
    "power": _python_scalar(_python_power, np.power),
    **{
        name: _python_scalar(function, getattr(np, name))
        for name, function in MATH_OF_NUMPY_NAME.items()
        if name != "sqrt"
    },
}


@functools.lru_cache(maxsize=64)
def _lambdified(expr: sympy.Expr, var: str, dtype: str) -> Callable:
    """The raw generated function f(var, *other symbols sorted by name), no casting."""
    real = real_dtype_of(dtype)
    python_float = dtype == "float64"
    printer = DtypePrinter(real, python_pow=python_float)
    modules = [_PYTHON_FLOAT64, "numpy"] if python_float else ["numpy"]
    arguments = [symbol_for(expr, var), *other_symbols(expr, var)]
    return sympy.lambdify(arguments, expr, modules=modules, printer=printer)


def _parameters(expr: sympy.Expr, var: str, dtype: str, values: Values) -> list:
    """The other variables' values as scalars of the (real) dtype, in argument order."""
    given = dict(values or {})
    real_type = np.dtype(real_dtype_of(dtype)).type
    parameters = []
    for symbol in other_symbols(expr, var):
        if symbol.name not in given:
            raise ValueError(f"J also depends on {symbol.name}: give its value.")
        parameters.append(real_type(round_to_dtype(given[symbol.name], dtype)))
    return parameters


def compile_function(
    expr: sympy.Expr, var: str, dtype: str = "float64", values: Values = None
) -> Callable[[np.ndarray], np.ndarray]:
    """J as a NumPy function of `var` computed in `dtype` (float64/32/16, complex128/64).

    Inputs are cast to `dtype`; the result has `dtype` and the input's shape. Outside the domain
    the result is nan (NumPy's warnings are silenced), at poles and on overflow ±inf; it never
    raises. Other variables are held at `values` (name -> number), rounded to the dtype.
    The generated code is cached per (expr, var, dtype).
    """
    target = np.dtype(dtype if dtype in COMPLEX_DTYPES.values() else real_dtype_of(dtype))
    raw = _lambdified(expr, var, str(target))
    parameters = _parameters(expr, var, str(target), values)

    def evaluate(points) -> np.ndarray:
        with np.errstate(all="ignore"):
            points = np.asarray(points, dtype=target)
            result = np.asarray(raw(points, *parameters))
            if result.dtype != target or result.shape != points.shape:
                # A constant J returns a Python number, a piecewise J with constant pieces a
                # float64 array of values already rounded to `target`: both cast exactly. All
                # arithmetic on the variable comes back in `target` (tests check raw results).
                result = np.broadcast_to(result, points.shape).astype(target)
        return result

    return evaluate


def precise_parameters(expr: sympy.Expr, var: str, dtype: str, values: Values) -> list[float]:
    """The other variables' values as used by `compile_function` in `dtype` (exact floats)."""
    return [float(p) for p in _parameters(expr, var, dtype, values)]
