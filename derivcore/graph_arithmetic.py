"""The arithmetics the computation graph is evaluated in: mpmath at rising precision, and float64.

`evaluate(formula, env, arithmetic)` computes one node's formula (a sum, product, power or function
of its children's symbols) in the given arithmetic. `MP_FORWARD` and `MP_LOCAL` are mpmath at the
current pass's precision (`MP.at(digits)`); `MP_LOCAL` also says that |u| and relu have no
derivative at 0 (sign(0) and H(0) are nan there). `FLOAT` is IEEE float64 through NumPy scalars,
as the lab's Python computes. Each function's implementations come from the catalogue.
"""

import contextlib
import threading

import mpmath
import numpy as np
import sympy

from derivcore.catalogue import BY_SYMPY, NUMPY_OF_SYMPY

# The first pass's precision; a pass that disagrees with the next is repeated at twice the digits
# (`graph.PRECISIONS`). Lower than REFERENCE_DIGITS on purpose: starting at 50 lets the passes
# at 50 and 100 digits agree on 0 where w/sin w cancels to 2e-80/3 (tests/test_graph.py).
FIRST_PASS_DIGITS = 40


class _Precision:
    """Stands for the mpmath context of the current pass in this thread: `FIRST_PASS_DIGITS` digits
    unless `at(d)` says otherwise. Each context's precision is set once and never changed, so
    threads (one per Streamlit session) can share them, unlike mpmath.mp which other code may
    switch."""

    _contexts: dict[int, mpmath.ctx_mp.MPContext] = {}
    _lock = threading.Lock()
    _local = threading.local()

    def _context(self, digits: int) -> mpmath.ctx_mp.MPContext:
        with self._lock:
            if digits not in self._contexts:
                context = mpmath.MPContext()
                context.dps = digits
                self._contexts[digits] = context
            return self._contexts[digits]

    @contextlib.contextmanager
    def at(self, digits: int):
        previous = getattr(self._local, "digits", FIRST_PASS_DIGITS)
        self._local.digits = digits
        try:
            yield
        finally:
            self._local.digits = previous

    def __getattr__(self, name):
        return getattr(self._context(getattr(self._local, "digits", FIRST_PASS_DIGITS)), name)


MP = _Precision()
# Beyond 10^1000 an argument is ∞ for every purpose here (float64 stops near 1.8e308). mpmath
# itself would evaluate exp, sin, ... of it by reducing it modulo ln 2 or π to as many digits as
# it has: exp(exp(exp(exp(w)))) would never finish. Sums and products of huge values stay exact.
_LIMIT = MP.mpf(10) ** 1000


def evaluate(formula: sympy.Expr, env, arithmetic) -> object:
    """formula's value with `env` giving each symbol's value, in that arithmetic."""
    if formula.is_Symbol:
        return env[formula]
    if not formula.free_symbols:
        return arithmetic.constant(formula)
    args = [evaluate(a, env, arithmetic) for a in formula.args]
    try:
        if formula.is_Add:
            result = args[0]
            for a in args[1:]:
                result = result + a
        elif formula.is_Mul:
            result = args[0]
            for a in args[1:]:
                result = result * a
        elif formula.is_Pow:
            result = arithmetic.power(*args)
        else:
            result = arithmetic.call(formula.func, args)
    except (ArithmeticError, ValueError, TypeError):
        return arithmetic.nan
    return arithmetic.real(result)


class _MpArithmetic:
    """mpmath at the pass's digits. With `kinks_undefined`, sign(0) and H(0) (the derivatives of
    |u| and relu at 0) are nan: there the function has no derivative."""

    nan = MP.nan

    def __init__(self, kinks_undefined: bool):
        self.kinks_undefined = kinks_undefined

    def constant(self, c: sympy.Expr):
        if c.is_Integer:
            return MP.mpf(int(c))
        value = c.evalf(MP.dps + 5)
        return MP.mpf(value) if value.is_Float else MP.nan

    def power(self, base, exponent):
        if MP.isint(exponent) and abs(exponent) < 2**63:
            return base ** int(exponent)
        return _tame(base) ** _tame(exponent)

    def real(self, value):
        # mpmath answers outside the real domain with a complex number (log of a negative).
        if isinstance(value, MP.mpc):
            value = value.real if value.imag == 0 else MP.nan
        return value if isinstance(value, MP.mpf) else MP.mpf(value)

    def call(self, func, args):
        if func in BY_SYMPY:  # in the current pass's context
            return BY_SYMPY[func].mpmath(MP, *(_tame(a) for a in args))
        if func in (sympy.sign, sympy.Heaviside):
            u = args[0]
            if u == 0:
                if self.kinks_undefined:
                    return MP.nan
                return MP.zero if func is sympy.sign else MP.mpf(0.5)
            step = MP.one if u > 0 else (-MP.one if func is sympy.sign else MP.zero)
            return step if not MP.isnan(u) else MP.nan
        if func in (sympy.Max, sympy.Min):
            if any(MP.isnan(a) for a in args):
                return MP.nan
            return max(args) if func is sympy.Max else min(args)
        # Anything else SymPy knows how to evaluate numerically.
        value = func(*(sympy.Float(_tame(a), MP.dps) for a in args)).evalf(MP.dps)
        return MP.mpf(value) if value.is_Float else MP.nan


def _tame(x):
    """x, or ±∞ when it lies beyond ±10^1000 (see _LIMIT)."""
    if MP.isfinite(x) and abs(x) > _LIMIT:
        return MP.inf if x > 0 else -MP.inf
    return x


MP_FORWARD = _MpArithmetic(kinks_undefined=False)
MP_LOCAL = _MpArithmetic(kinks_undefined=True)


class _FloatArithmetic:
    """IEEE float64 through NumPy scalars, as the lab's Python computes: overflow gives ±inf,
    out-of-domain gives nan, never an exception."""

    nan = np.float64("nan")

    def constant(self, c: sympy.Expr):
        try:
            return np.float64(float(c))
        except TypeError:
            return self.nan

    def power(self, base, exponent):
        with np.errstate(all="ignore"):
            return np.float64(base) ** np.float64(exponent)

    def real(self, value):
        return np.float64(value)

    def call(self, func, args):
        with np.errstate(all="ignore"):
            if func in NUMPY_OF_SYMPY:
                return NUMPY_OF_SYMPY[func](*args)
            # Functions NumPy lacks: the correctly rounded value from mpmath.
            exact = MP_FORWARD.call(func, [MP.mpf(float(a)) for a in args])
            return np.float64(float(MP_FORWARD.real(exact)))


FLOAT = _FloatArithmetic()
