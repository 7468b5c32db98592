"""Evaluating J in high precision with mpmath, safely for threads and for huge arguments.

`precise_function` compiles J to mpmath code run in this thread's private context
(`mp_context(dps)`), so concurrent sessions cannot change each other's precision. Every function
in that code refuses arguments too large to compute with (`PrecisionLimit`); `precise_value`
turns values outside the real domain into nan.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import mpmath
import sympy
from sympy.printing.pycode import MpmathPrinter

from derivcore.symbols import other_names, symbol_for

# The cost of an elementary function in mpmath grows with the size of its argument, not only with
# the precision: sin(x) reduces x modulo π with π computed to log2|x| + prec bits, exp(x) modulo
# ln 2 likewise, and x**y multiplies log2|y| times. A student's exp(exp(exp(exp(w)))) or
# sin(exp(exp(w))) at w = 13 asks for π to 640 000 bits: minutes of pure-Python arithmetic. So every
# function called from generated code refuses an argument beyond 2^PRECISE_ARGUMENT_BITS (~1e4932,
# the range of x87 extended precision: far beyond float64, so softplus(800) = log(1 + e^800) still
# has its exact value), and a power refuses an exponent beyond 2^PRECISE_EXPONENT_BITS. With those
# caps one call costs at most ~15 ms (the first time π or ln 2 is needed to 16 000 bits; cached).
PRECISE_ARGUMENT_BITS = 16384
PRECISE_EXPONENT_BITS = 128


class PrecisionLimit(ArithmeticError):
    """A value met while evaluating J in high precision is too large to work with (see
    PRECISE_ARGUMENT_BITS). `.message` is a sentence for the student."""

    def __init__(self, value):
        exponent = int(mpmath.floor(mpmath.log10(abs(value)))) if mpmath.isfinite(value) else None
        size = f"about 10^{exponent}" if exponent is not None else "infinite"
        self.message = (
            f"a value inside J is {size}, too large to compute with (this page evaluates J "
            "precisely up to about 10^4932)"
        )
        super().__init__(self.message)


def _too_large(context, value, bits: int) -> bool:
    if isinstance(value, context.mpc):
        return _too_large(context, value.real, bits) or _too_large(context, value.imag, bits)
    return isinstance(value, context.mpf) and context.isfinite(value) and context.mag(value) > bits


def _guarded(context, name: str, function: Callable) -> Callable:
    """`function` (an mpmath function of `context`) refusing arguments it would take too long on."""

    def call(*arguments):
        limits = [PRECISE_ARGUMENT_BITS] * len(arguments)
        if name == "power" and len(arguments) == 2:
            limits[1] = PRECISE_EXPONENT_BITS
        for value, bits in zip(arguments, limits, strict=False):
            if _too_large(context, value, bits):
                raise PrecisionLimit(value)
        return function(*arguments)

    return call


class _ThreadMpmath:
    """Stands for the `mpmath` module in generated code, resolving every name in a context
    private to the calling thread, so that setting the precision is thread-safe; functions come
    guarded against arguments too large to compute with (`PrecisionLimit`)."""

    _local = threading.local()

    @classmethod
    def context(cls) -> mpmath.ctx_mp.MPContext:
        context = getattr(cls._local, "context", None)
        if context is None:
            context = cls._local.context = mpmath.MPContext()
            context.guarded = {}
        return context

    def __getattr__(self, name):
        context = self.context()
        value = getattr(context, name)
        if not callable(value) or isinstance(value, type) or name in ("mpf", "mpc"):
            return value
        if name not in context.guarded:
            context.guarded[name] = _guarded(context, name, value)
        return context.guarded[name]


class _GuardedMpmathPrinter(MpmathPrinter):
    """mpmath code in which powers go through `mpmath.power` (so they are guarded too)."""

    def _print_Pow(self, expr, rational=False):
        if expr.exp == sympy.S.Half:
            return f"mpmath.sqrt({self._print(expr.base)})"
        if expr.exp == -sympy.S.Half:
            return f"1/mpmath.sqrt({self._print(expr.base)})"
        if expr.exp == -1:
            return f"1/({self._print(expr.base)})"
        return f"mpmath.power({self._print(expr.base)}, {self._print(expr.exp)})"


def mp_context(dps: int) -> mpmath.ctx_mp.MPContext:
    """This thread's private mpmath context, set to `dps` decimal digits."""
    context = _ThreadMpmath.context()
    context.dps = dps
    return context


@functools.lru_cache(maxsize=128)
def precise_function(expr: sympy.Expr, var: str, others: tuple[str, ...] | None = None) -> Callable:
    """J in mpmath: f(x, *others) at this thread's `mp_context`; `others` defaults to the other
    variables of `expr` sorted by name (pass a parent's names to evaluate a part of it)."""
    printer = _GuardedMpmathPrinter(
        {"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True}
    )
    names = other_names(expr, var) if others is None else others
    arguments = [symbol_for(expr, var), *(symbol_for(expr, name) for name in names)]
    return sympy.lambdify(arguments, expr, modules=[{"mpmath": _ThreadMpmath()}], printer=printer)


def precise_value(function: Callable, context, *arguments):
    """`function(*arguments)` in `context`; nan where it is undefined or not real.

    mpmath answers sqrt(-1) and log(-1) with complex numbers and 1/0 with an exception; on the
    real line both mean "outside the domain". Complex arguments (the complex step) stay complex.
    Raises `PrecisionLimit` where a value inside J is too large to compute with.
    """
    try:
        result = function(*arguments)
    except (ZeroDivisionError, ValueError, OverflowError):
        return context.nan
    complex_input = any(isinstance(a, context.mpc) for a in arguments)
    if isinstance(result, context.mpc) and not complex_input:
        return result.real if result.imag == 0 else context.nan
    if not isinstance(result, (context.mpf, context.mpc)):
        return context.convert(result)
    return result
