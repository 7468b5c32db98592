"""The error of k against ε: every scheme and dtype at once, with reference, model and reasons.

`error_sweep` computes k for a whole array of ε in each dtype (array work: J is evaluated once per
stencil point and shared between the schemes), and compares it with J′ computed by mpmath to 50
digits at the x the dtype actually holds (float32(0.1) is not 0.1). Everything that needs more
work (the error model, the exact-arithmetic curve, the reasons for gaps, the smoothed best)
is computed on first use and kept.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import sympy

from derivcore.error_model import (
    HIGHEST_DERIVATIVE,
    ErrorModel,
    error_model,
    not_applicable_model,
)
from derivcore.finite_differences import (
    COMPLEX_DTYPES,
    Stencil,
    complex_step_unavailable,
    validate_dtype,
    validate_scheme,
)
from derivcore.numeric import (
    PrecisionLimit,
    Values,
    compile_function,
    mp_context,
    other_names,
    precise_function,
    precise_parameters,
    precise_value,
    round_to_dtype,
)
from derivcore.schemes import scheme_named
from derivcore.smoothness import NON_ANALYTIC
from derivcore.symbols import symbol_for

REFERENCE_DIGITS = 50  # J′ to 50 significant digits
TAYLOR_DIGITS = 20  # J⁽ⁿ⁾ for the model: a few digits are needed, 20 make zeros recognisable
TAYLOR_ZERO = 1e-20  # relative size below which a numerical derivative counts as exactly 0
TAYLOR_AGREEMENT = 1e-12  # two precisions agreeing this closely give J⁽ⁿ⁾ to float accuracy
SMOOTHING_DECADES = 0.5  # half-width of the running median behind `measured_best`
EXACT_SUBGRID_DECADES = 1.0  # spacing of the ε at which the exact-arithmetic curve is computed


def default_eps_grid(n: int = 400, lo: float = 1e-20, hi: float = 1.0) -> np.ndarray:
    """n values of ε spaced evenly in log scale from `lo` up to `hi` (increasing)."""
    if n < 2 or not (0 < lo < hi) or not math.isfinite(hi):
        raise ValueError("The ε grid needs n ≥ 2 and 0 < lo < hi.")
    return np.logspace(math.log10(lo), math.log10(hi), n)


@functools.lru_cache(maxsize=64)
def _first_derivative(expr: sympy.Expr, var: str) -> sympy.Expr:
    return sympy.diff(expr, symbol_for(expr, var))


def _precise_derivative(expr, var, x: float, parameters: tuple, dps: int):
    """J′(x) in this thread's mpmath context at `dps` digits (nan where undefined)."""
    context = mp_context(dps)
    arguments = [context.mpf(v) for v in (x, *parameters)]
    function = precise_function(_first_derivative(expr, var), var, other_names(expr, var))
    return precise_value(function, context, *arguments)


# A symbolic derivative that grows beyond this many operations is not differentiated further (the
# 9th derivative of tanh has ~750); the remaining orders come from mpmath's numerical diff.
SYMBOLIC_DERIVATIVE_OPS = 3000


@functools.lru_cache(maxsize=512)
def _symbolic_derivative(expr: sympy.Expr, var: str, order: int) -> sympy.Expr | None:
    """J⁽ⁿ⁾ by SymPy, from J⁽ⁿ⁻¹⁾; None once an earlier one has grown too large to go on."""
    if order == 0:
        return expr
    lower = _symbolic_derivative(expr, var, order - 1)
    if lower is None or sympy.count_ops(lower) > SYMBOLIC_DERIVATIVE_OPS:
        return None
    return sympy.diff(lower, symbol_for(expr, var))


class _Derivatives:
    """J⁽ⁿ⁾(x) for n = 0..9, each computed when first read: SymPy's derivative evaluated by
    mpmath (`_settled_value`). Exact where it matters: a derivative that is 0 at x comes out as
    exactly 0 (J″ of the sigmoid at 0, J‴ of w²) and a tiny one keeps its size (J″ of sqrt at
    1e-7 is −8e9, J″ of atan at 1e8 is −2e-24), at any |x| (a numerical step would vanish beyond
    |x| ≈ 1e30). The model reads only the orders of its leading terms (J″ and J‴ for forward
    differences), so the 9th derivative of tanh (~750 operations) is rarely formed. Orders past
    a derivative too large to differentiate come from `_numerical_taylor`."""

    def __init__(self, expr: sympy.Expr, var: str, x: float, parameters: tuple):
        self._key = (expr, var, x, parameters)
        self._values: dict[int, float] = {}

    def __len__(self) -> int:
        return HIGHEST_DERIVATIVE + 1

    def __getitem__(self, order: int) -> float:
        if order not in self._values:
            expr, var, x, parameters = self._key
            derivative = _symbolic_derivative(expr, var, order)
            if derivative is None:
                self._values[order] = _numerical_taylor(expr, var, x, parameters)[order]
            else:
                function = precise_function(derivative, var, other_names(expr, var))
                self._values[order] = _settled_value(function, (x, *parameters))
        return self._values[order]


@functools.lru_cache(maxsize=256)
def _taylor(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> _Derivatives:
    """J⁽ⁿ⁾(x) for n = 0..9, computed on demand (see `_Derivatives`)."""
    return _Derivatives(expr, var, x, parameters)


def _settled_value(function, arguments: tuple) -> float:
    """function(*arguments) (exact floats) to 12 digits, doubling the working precision from 20
    digits until two evaluations agree: a formula can cancel (tanh″ = −2·tanh·(1 − tanh²) at
    −30 is 1 − (1 − 3.5e-26) at 20 digits, i.e. 0, but 1.4e-25). nan if it never settles by
    1280 digits, or where J⁽ⁿ⁾ is not a real number."""
    previous = None
    digits = TAYLOR_DIGITS
    while digits <= 1280:
        context = mp_context(digits)
        value = precise_value(function, context, *(context.mpf(a) for a in arguments))
        if not context.isfinite(value) or isinstance(value, context.mpc):
            return math.nan
        if previous is not None and (
            value == previous or abs(value - previous) <= TAYLOR_AGREEMENT * abs(value)
        ):
            return float(value)
        previous, digits = value, 2 * digits
    return math.nan


@functools.lru_cache(maxsize=64)
def _numerical_taylor(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> tuple:
    """J⁽ⁿ⁾(x) for n = 0..9 by mpmath's numerical differentiation at 20 digits, a step relative
    to |x|; noise-level values are reported as 0."""
    context = mp_context(TAYLOR_DIGITS)
    function = precise_function(expr, var)
    fixed = [context.mpf(p) for p in parameters]

    def f(t):
        return precise_value(function, context, t, *fixed)

    point = context.mpf(x)
    step = context.ldexp(max(1, abs(point)), -context.prec - 10)
    try:
        values = [f(point)] + [
            context.diff(f, point, n, h=step) for n in range(1, HIGHEST_DERIVATIVE + 1)
        ]
    except (ValueError, ZeroDivisionError, TypeError):
        return (math.nan,) * (HIGHEST_DERIVATIVE + 1)
    if not all(context.isfinite(v) and not isinstance(v, context.mpc) for v in values):
        return (math.nan,) * (HIGHEST_DERIVATIVE + 1)
    seen = max(abs(v) * step**n / math.factorial(n) for n, v in enumerate(values))
    return tuple(0.0 if abs(v) <= TAYLOR_ZERO * seen else float(v) for v in values)


def _kink(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> str | None:
    """A non-differentiable point of J at x (|u| with u = 0, max with a tie, ...), described."""
    others = other_names(expr, var)
    context = mp_context(REFERENCE_DIGITS)
    arguments = [context.mpf(v) for v in (x, *parameters)]

    def at_x(sub: sympy.Expr):
        return precise_value(precise_function(sub, var, others), context, *arguments)

    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            if at_x(node.args[0]) == 0:
                return f"{NON_ANALYTIC[type(node)]} has a corner or jump where {node.args[0]} = 0"
        elif isinstance(node, (sympy.Max, sympy.Min)):
            values = sorted(at_x(a) for a in node.args)
            extreme = values[-1] if isinstance(node, sympy.Max) else values[0]
            if sum(v == extreme for v in values) > 1:
                return f"{NON_ANALYTIC[type(node)]} switches between its arguments there"
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            value = at_x(node.args[0])
            if context.isfinite(value) and value == context.floor(value):
                return f"{NON_ANALYTIC[type(node)]} jumps there"
    return None


def _row_medians(samples: np.ndarray) -> np.ndarray:
    """Median of the non-nan entries of each row (nan for a row without any)."""
    ordered = np.sort(samples, axis=1)  # nan sorts last, −inf first
    count = (~np.isnan(ordered)).sum(axis=1)
    rows = np.arange(len(ordered))
    low = ordered[rows, np.maximum(count - 1, 0) // 2]
    high = ordered[rows, np.maximum(count, 1) // 2 - (count == 0)]
    with np.errstate(invalid="ignore"):
        middle = np.where(low == high, low, (low + high) / 2)
    return np.where(count > 0, middle, np.nan)


def _range_text(mask: np.ndarray, eps: np.ndarray) -> str:
    """Where `mask` holds, in words: "for ε ≥ 0.001", "for ε ≤ 3e-08", "for 12 values of ε ..."."""
    order = np.argsort(eps)
    inside, sorted_eps = mask[order], eps[order]
    chosen = sorted_eps[inside]
    if inside.all():
        return "for every ε"
    first, last = np.flatnonzero(inside)[[0, -1]]
    contiguous = last - first + 1 == inside.sum()
    if contiguous and last == len(inside) - 1:
        return f"for ε ≥ {chosen[0]:.3g}"
    if contiguous and first == 0:
        return f"for ε ≤ {chosen[-1]:.3g}"
    if contiguous:
        return f"for {chosen[0]:.3g} ≤ ε ≤ {chosen[-1]:.3g}"
    return f"for {inside.sum()} values of ε between {chosen[0]:.3g} and {chosen[-1]:.3g}"


def _arm(var: str, offset) -> str:
    if offset == "complex":
        return f"{var} + iε"
    if offset == 0:
        return var
    size = "ε" if abs(offset) == 1 else f"{abs(offset)}ε"
    return f"{var} {'+' if offset > 0 else '−'} {size}"


def _domain_checks(expr: sympy.Expr) -> list[tuple[sympy.Expr, str, str]]:
    """(argument, condition, function name) for the parts of J that can be undefined.

    Conditions: "negative" (sqrt, fractional powers, log), "zero" (poles, log 0),
    "outside [−1, 1]" (asin, acos), "below 1" (acosh), "outside (−1, 1)" (atanh).
    """
    checks = []
    for node in sympy.preorder_traversal(expr):
        if node.is_number:
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_number:
            if not node.exp.is_integer:
                name = "sqrt" if abs(node.exp) == sympy.S.Half else "a fractional power"
                checks.append((node.base, "negative", name))
            if node.exp.is_negative:
                checks.append((node.base, "zero", "1/u"))
        elif isinstance(node, sympy.log):
            checks += [(node.args[0], "negative", "log"), (node.args[0], "zero", "log")]
        elif isinstance(node, (sympy.asin, sympy.acos)):
            checks.append((node.args[0], "outside [−1, 1]", type(node).__name__))
        elif isinstance(node, sympy.acosh):
            checks.append((node.args[0], "below 1", "acosh"))
        elif isinstance(node, sympy.atanh):
            checks.append((node.args[0], "outside (−1, 1)", "atanh"))
    return checks


_DOMAIN_WORDS = {
    "negative": "< 0 leaves",
    "outside [−1, 1]": "leaves [−1, 1],",
    "below 1": "< 1 leaves",
    "outside (−1, 1)": "leaves (−1, 1),",
}


def _cause_text(argument, condition: str, name: str, is_var: bool, arm: str) -> str:
    if is_var and condition in _DOMAIN_WORDS:
        return f"{arm} {_DOMAIN_WORDS[condition]} the domain of {name}"
    if condition == "zero":
        if name == "log":
            return (
                f"{arm} = 0 gives log(0) = −∞"
                if is_var
                else f"at {arm} the argument of log, {argument}, is 0 (log 0 = −∞)"
            )
        return (
            f"{arm} = 0 hits a pole (division by zero)"
            if is_var
            else f"at {arm} the denominator {argument} is 0 (a pole)"
        )
    return f"at {arm} the argument of {name}, {argument}, is {condition}"


def _two_sum(a: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Knuth's TwoSum: s = fl(a + b) and the rounding error t, so that a + b = s + t exactly."""
    s = a + b
    virtual_a = s - b
    t = (a - virtual_a) + (b - (s - virtual_a))
    return s, t


class _Reference(NamedTuple):
    """J′ at x_used as high + low + lowest (non-overlapping floats), or the reason it does not
    exist. Plain floats: a cached sweep is read from other threads (other mpmath contexts)."""

    high: float
    low: float
    lowest: float
    reason: str | None


class ErrorSweep:
    """k, its errors, the model and the explanations for one J, x and array of ε.

    All arrays are aligned with `eps` (in the order given) and are float64 (the values computed
    in float32/float16 are exactly representable in float64).
    """

    def __init__(
        self,
        expr: sympy.Expr,
        var: str,
        x: float,
        eps: np.ndarray,
        schemes: tuple[str, ...],
        dtypes: tuple[str, ...],
        step_trick: bool,
        values: Values,
    ):
        self.expr, self.var, self.x = expr, var, x
        self.eps, self.schemes, self.dtypes = eps, schemes, dtypes
        self.step_trick = step_trick
        self._values = dict(values or {})
        self._stencils: dict[str, Stencil] = {}
        self._estimates: dict[tuple[str, str], np.ndarray] = {}
        self._references: dict[str, _Reference] = {}
        self._models: dict[tuple[str, str], ErrorModel] = {}
        self._exact: dict[str, np.ndarray] = {}
        self._errors: dict[tuple[str, str], np.ndarray] = {}
        self._best: dict[tuple[str, str], tuple[float, float] | None] = {}
        self._reasons: dict[tuple[str, str], str | None] = {}
        self._misleading: dict[tuple[str, str], str | None] = {}
        # A sweep may be shared between sessions (threads): lazy work happens under this lock.
        self._lock = threading.RLock()
        for dtype in dtypes:
            self._compute(dtype)

    # ---- all at once, in a worker ----------------------------------------------------------------

    def complete(self) -> ErrorSweep:
        """Compute now everything the pages read (references, models, errors, reasons, best ε,
        the exact-arithmetic curves). A complete sweep needs neither mpmath nor the compiled J
        again, so it can be computed in a bounded worker process and sent back by pickle."""
        for dtype in self.dtypes:
            for scheme in self.schemes:
                self.model(scheme, dtype)
                self.measured_best(scheme, dtype)
                self.nan_reason(scheme, dtype)
                self.misleading_k_reason(scheme, dtype)
        self.exact_arithmetic_error(self.schemes[0])
        return self

    def without_reference(self, reason: str) -> ErrorSweep:
        """This sweep with its high-precision part given up (it overran its time): no J′, so no
        errors, models or exact curves; `reason` says why, wherever J′ is missing."""
        with self._lock:
            for dtype in self.dtypes:
                self._references[dtype] = _Reference(math.nan, math.nan, math.nan, reason)
            self._exact.update({s: np.full(self.eps.shape, np.nan) for s in self.schemes})
        return self

    def __getstate__(self) -> dict:
        # The stencils hold compiled functions, which do not pickle; a complete sweep no longer
        # needs them. A lock does not pickle either: the copy gets its own.
        state = {k: v for k, v in self.__dict__.items() if k not in ("_lock", "_stencils")}
        return {**state, "_stencils": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # ---- computing ------------------------------------------------------------------------------

    def _parameters(self, dtype: str) -> tuple[float, ...]:
        return tuple(precise_parameters(self.expr, self.var, dtype, self._values))

    def _compute(self, dtype: str) -> None:
        real = compile_function(self.expr, self.var, dtype, self._values)
        analytic = any(
            s == "complex_step" and not self.not_applicable(s, dtype) for s in self.schemes
        )
        complex_function = (
            compile_function(self.expr, self.var, COMPLEX_DTYPES[dtype], self._values)
            if analytic
            else None
        )
        stencil = Stencil(real, self.x, self.eps, dtype, self.step_trick, complex_function)
        self._stencils[dtype] = stencil
        for scheme in self.schemes:
            if self.not_applicable(scheme, dtype):
                k = np.full(self.eps.shape, np.nan)
            else:
                k = stencil.quotient(scheme).astype(np.float64)
            self._estimates[scheme, dtype] = k

    def _reference(self, dtype: str) -> _Reference:
        return self._once(self._references, dtype, self._compute_reference, dtype)

    def _once(self, store: dict, key, compute, *arguments):
        """store[key], computed by compute(*arguments) the first time, under the lock (a sweep
        may be shared between sessions, i.e. threads)."""
        with self._lock:
            if key not in store:
                store[key] = compute(*arguments)
        return store[key]

    def _compute_reference(self, dtype: str) -> _Reference:
        x = self.x_used(dtype)
        parameters = self._parameters(dtype)
        reason = None
        try:
            derivative = _precise_derivative(self.expr, self.var, x, parameters, REFERENCE_DIGITS)
            context = mp_context(REFERENCE_DIGITS)
            value = precise_value(
                precise_function(self.expr, self.var),
                context,
                *(context.mpf(v) for v in (x, *parameters)),
            )
            if not context.isfinite(value):
                reason = f"J is not defined at {self.var} = {x!r}"
            elif not context.isfinite(derivative):
                reason = f"J is not differentiable at {self.var} = {x!r}"
            else:
                kink = _kink(self.expr, self.var, x, parameters)
                if kink:
                    reason = f"J is not differentiable at {self.var} = {x!r}: {kink}"
        except PrecisionLimit as limit:
            reason = f"J′ at {self.var} = {x!r} could not be computed: {limit.message}"
        if reason:
            return _Reference(math.nan, math.nan, math.nan, reason)
        context = mp_context(REFERENCE_DIGITS)
        high = float(derivative)
        if not math.isfinite(high):
            return _Reference(
                math.nan,
                math.nan,
                math.nan,
                f"J′ at {self.var} = {x!r} is about {context.nstr(derivative, 3)}, beyond the "
                f"range of float64",
            )
        low = float(derivative - high)
        return _Reference(high, low, float(derivative - high - low), None)

    def _check(self, scheme: str, dtype: str) -> None:
        if scheme not in self.schemes:
            raise ValueError(f"The scheme '{scheme}' is not part of this sweep.")
        if dtype not in self.dtypes:
            raise ValueError(f"The number type '{dtype}' is not part of this sweep.")

    # ---- the numbers --------------------------------------------------------------------------

    def x_used(self, dtype: str) -> float:
        """The x that `dtype` holds: the nearest number of that type to the x asked for."""
        validate_dtype(dtype)
        return round_to_dtype(self.x, dtype)

    def reference(self, dtype: str) -> float:
        """J′(x_used(dtype)) from mpmath at 50 digits, rounded to float64 (nan if it does not
        exist: J undefined or not differentiable there)."""
        return self._reference(dtype).high

    def reference_reason(self, dtype: str) -> str | None:
        """Why J′(x_used(dtype)) is missing (undefined, not differentiable, beyond float64, not
        computable in time), or None when `reference` holds it."""
        return self._reference(dtype).reason

    def estimate(self, scheme: str, dtype: str) -> np.ndarray:
        """k for every ε, computed in `dtype` (nan where not computable; see `nan_reason`)."""
        self._check(scheme, dtype)
        return self._estimates[scheme, dtype].copy()

    def abs_error(self, scheme: str, dtype: str) -> np.ndarray:
        """|k − J′| against the exact J′ (not its float64 rounding), rounded once to float64.

        J′ (50 digits) is held as three floats high + low + lowest (159 bits); TwoSum takes
        k − high − low exactly, so only a tail far below the last bit of the result is rounded:
        even an error below an ulp of J′ (complex step, the bottom of the V) is right.
        """
        self._check(scheme, dtype)
        return self._once(self._errors, (scheme, dtype), self._abs_error, scheme, dtype).copy()

    def _abs_error(self, scheme: str, dtype: str) -> np.ndarray:
        k = self._estimates[scheme, dtype]
        reference = self._reference(dtype)
        with np.errstate(all="ignore"):
            s, t = _two_sum(k, -reference.high)
            s, u = _two_sum(s, -reference.low)  # now k − high − low = s + t + u exactly
            error = np.abs(s + ((t + u) - reference.lowest))
        return np.where(np.isinf(k), np.inf, error)  # k = ±inf: the quotient overflowed

    def rel_error(self, scheme: str, dtype: str) -> np.ndarray:
        """|k − J′| / |J′|. Undefined when J′ = 0 exactly: then all nan (show `abs_error`)."""
        high = self._reference(dtype).high
        if high == 0:
            return np.full(self.eps.shape, np.nan)
        with np.errstate(all="ignore"):
            return self.abs_error(scheme, dtype) / abs(high)

    def exact_zero(self, scheme: str, dtype: str) -> np.ndarray:
        """Where the error is exactly 0 (a log axis cannot show these: mark them)."""
        return self.abs_error(scheme, dtype) == 0

    def not_applicable(self, scheme: str, dtype: str) -> str | None:
        """Why `scheme` cannot run in `dtype` for this J (complex step: float16, abs, ...)."""
        validate_scheme(scheme)
        validate_dtype(dtype)
        if scheme == "complex_step":
            return complex_step_unavailable(self.expr, dtype)
        return None

    # ---- explanations -------------------------------------------------------------------------

    def nan_reason(self, scheme: str, dtype: str) -> str | None:
        """Why k or its error is missing (nan, or k = ±inf) for some ε, or None if never."""
        self._check(scheme, dtype)
        return self._once(self._reasons, (scheme, dtype), self._nan_reason, scheme, dtype)

    def _nan_reason(self, scheme: str, dtype: str) -> str | None:
        reason = self.not_applicable(scheme, dtype)
        if reason:
            return reason
        reference_reason = self.reference_reason(dtype)
        if reference_reason:
            return f"{reference_reason}, so there is no J′ to compare k with."
        k = self._estimates[scheme, dtype]
        missing = ~np.isfinite(k)
        if not missing.any():
            return None
        stencil = self._stencils[dtype]
        x_text = f"{self.var} = {self.x_used(dtype)!r}"
        if scheme == "complex_step" and not stencil.real_at_x():
            return f"J is not a real number at {x_text}, so the complex step says nothing there."
        if not np.isfinite(stencil.value(0)).all():
            cause = self._why(0, dtype, np.ones(1, dtype=bool))[0][1]
            return f"J cannot be computed at {x_text} itself: {cause}."
        parts = []
        step = stencil.imaginary_step if scheme == "complex_step" else stencil.h
        zero_step = missing & (step == 0)
        if zero_step.any():
            if self.step_trick and scheme != "complex_step":
                parts.append(
                    (
                        zero_step,
                        f"{self.var} + ε == {self.var} in {dtype}, so the step "
                        f"trick's h′ = ({self.var} + ε) − {self.var} is 0 and "
                        f"k = 0/0",
                    )
                )
            else:
                parts.append((zero_step, f"ε rounds to 0 in {dtype}, so k = 0/0"))
        explained = zero_step.copy()
        definition = scheme_named(scheme)
        offsets = ["complex"] if definition.imaginary else [a for a in definition.offsets if a]
        for offset in offsets:
            values = stencil.complex_value() if offset == "complex" else stencil.value(offset)
            bad = missing & ~zero_step & ~np.isfinite(values)
            if bad.any():
                parts += self._why(offset, dtype, bad)
                explained |= bad
        overflow = missing & ~explained & np.isinf(self._estimates[scheme, dtype])
        if overflow.any():
            parts.append(
                (
                    overflow,
                    f"k itself overflows {dtype} (largest finite value "
                    f"{float(np.finfo(dtype).max):g})",
                )
            )
            explained |= overflow
        if (missing & ~explained).any():
            parts.append((missing & ~explained, "k is not a number"))
        # Each arm's full range, the one failing first (smallest ε) first.
        parts.sort(key=lambda part: float(self.eps[part[0]].min()))
        return (
            "k is missing "
            + "; ".join(f"{_range_text(mask, self.eps)}: {cause}" for mask, cause in parts)
            + "."
        )

    def misleading_k_reason(self, scheme: str, dtype: str) -> str | None:
        """Where k is a finite number that says nothing about J′: the stencil reaches across a
        pole or a corner of J ((w² + 1)/(w − 1) at 1.001, central ε ≥ 0.001: k mixes two
        branches), or the complex step's J′·ε underflows (k = 0). None where k never misleads."""
        self._check(scheme, dtype)
        return self._once(
            self._misleading, (scheme, dtype), self._misleading_k_reason, scheme, dtype
        )

    def _misleading_k_reason(self, scheme: str, dtype: str) -> str | None:
        if scheme == "complex_step":
            return self._underflow_reason(dtype)
        if self.not_applicable(scheme, dtype):
            return None
        stencil = self._stencils[dtype]
        outer = [stencil.point(a) for a in scheme_named(scheme).offsets if a != 0]
        finite_k = np.isfinite(self._estimates[scheme, dtype])
        breaks = [
            (a, "a pole") for a, condition, _ in _domain_checks(self.expr) if condition == "zero"
        ]
        breaks += [
            (node.args[0], "a corner")
            for node in sympy.preorder_traversal(self.expr)
            if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside))
        ]
        # tan(u) has its poles where cos(u) = 0, which changes sign across each of them.
        breaks += [
            (sympy.cos(node.args[0]), "a pole")
            for node in sympy.preorder_traversal(self.expr)
            if isinstance(node, sympy.tan)
        ]
        for argument, kind in breaks:
            side = compile_function(argument, self.var, "float64", self._values)
            with np.errstate(all="ignore"):
                at_x = np.sign(side(np.full(1, float(stencil.x))))[0]
                crossed = np.zeros(self.eps.shape, dtype=bool)
                for points in outer:
                    crossed |= np.sign(side(points.astype(np.float64))) == -at_x
            mask = crossed & finite_k
            if at_x != 0 and mask.any():
                return (
                    f"{_range_text(mask, self.eps)} the stencil's points lie on both sides of "
                    f"{kind} of J (where {argument} = 0), so k mixes two branches of J and is "
                    f"no slope at {self.var} = {self.x_used(dtype)!r}."
                )
        return None

    def _underflow_reason(self, dtype: str) -> str | None:
        """Complex step: where Im J(x + iε) = J′·ε is below the smallest positive float, it
        rounds to 0 and k = 0 (exp at −700, ε = 1e-20: J′·ε ≈ 1e-324), a 100 % error that says
        nothing about the method."""
        if self.not_applicable("complex_step", dtype) or self.reference_reason(dtype):
            return None
        k = self._estimates["complex_step", dtype]
        zero = (k == 0) & (self.reference(dtype) != 0)
        if not zero.any():
            return None
        tiny = float(np.finfo(dtype).smallest_subnormal)
        return (
            f"{_range_text(zero, self.eps)} J′·ε is below the smallest positive {dtype} "
            f"({tiny:.2g}), so Im J({self.var} + iε) underflows to 0 and k = 0: the complex "
            "step needs |J′|·ε to be a representable number."
        )

    def _why(self, offset, dtype: str, bad: np.ndarray) -> list[tuple[np.ndarray, str]]:
        """Split the ε where J(x + offset·ε) is not finite by cause: [(mask, sentence)]."""
        stencil = self._stencils[dtype]
        arm = _arm(self.var, offset)
        if offset == "complex":
            return [(bad, f"J({arm}) is not a finite number")]
        points = np.broadcast_to(stencil.point(offset), bad.shape)
        symbol = symbol_for(self.expr, self.var)
        remaining = bad.copy()
        found = []
        for argument, condition, name in _domain_checks(self.expr):
            with np.errstate(all="ignore"):
                value = np.broadcast_to(
                    compile_function(argument, self.var, dtype, self._values)(points), bad.shape
                )
                hit = {
                    "negative": value < 0,
                    "zero": value == 0,
                    "outside [−1, 1]": np.abs(value) > 1,
                    "below 1": value < 1,
                    "outside (−1, 1)": np.abs(value) >= 1,
                }[condition]
            mask = remaining & hit
            if mask.any():
                found.append(
                    (mask, _cause_text(argument, condition, name, argument == symbol, arm))
                )
                remaining &= ~mask
        if remaining.any():
            with np.errstate(all="ignore"):
                wide = compile_function(self.expr, self.var, "float64", self._values)(points)
            largest = float(np.finfo(dtype).max)
            exact = self._exact_kind(points, remaining, dtype)
            overflow = remaining & (np.isfinite(wide) | (exact == "finite"))
            if overflow.any():
                found.append((overflow, f"J({arm}) overflows {dtype} (largest {largest:g})"))
                remaining &= ~overflow
            if remaining.any() and exact in ("huge", "inside"):
                found.append(
                    (remaining, f"a value inside J({arm}) overflows {dtype} (largest {largest:g})")
                )
                remaining &= ~remaining
            if remaining.any():
                found.append((remaining, f"J({arm}) is not a finite number"))
        return found

    def _exact_kind(self, points: np.ndarray, where: np.ndarray, dtype: str) -> str:
        """What J is at these points in exact arithmetic, judged at one representative point
        (the first in `where`): "finite" (then a float inf there is overflow, not a pole),
        "inside" (J itself fits in `dtype`, so only a value inside it overflowed: softplus at
        800 is 800, but e^800 is not a float64), "huge" (a value inside J is too large to
        compute with) or "not finite"."""
        first = int(np.flatnonzero(where)[0])
        context = mp_context(TAYLOR_DIGITS)
        parameters = [context.mpf(p) for p in self._parameters("float64")]
        try:
            value = precise_value(
                precise_function(self.expr, self.var),
                context,
                context.mpf(float(points[first])),
                *parameters,
            )
        except PrecisionLimit:
            return "huge"
        if not context.isfinite(value):
            return "not finite"
        return "inside" if abs(value) <= float(np.finfo(dtype).max) else "finite"

    # ---- model and summaries ------------------------------------------------------------------

    def model(self, scheme: str, dtype: str) -> ErrorModel:
        """The error model at x_used(dtype); a nan model (with the reason as its note) where the
        scheme does not apply or J′ does not exist."""
        self._check(scheme, dtype)
        with self._lock:
            return self._model(scheme, dtype)

    def _model(self, scheme: str, dtype: str) -> ErrorModel:
        if (scheme, dtype) not in self._models:
            reason = self.not_applicable(scheme, dtype) or self._reference(dtype).reason
            if reason:
                self._models[scheme, dtype] = not_applicable_model(scheme, dtype, reason)
            else:
                derivatives = _taylor(
                    self.expr, self.var, self.x_used(dtype), self._parameters(dtype)
                )
                self._models[scheme, dtype] = error_model(
                    scheme, dtype, self.x_used(dtype), derivatives, self.step_trick
                )
        return self._models[scheme, dtype]

    def measured_best(self, scheme: str, dtype: str) -> tuple[float, float] | None:
        """(ε, error) at the minimum of the error curve smoothed by a running median of
        log10|k − J′| over ±0.5 decade of ε (at least 5 points): the typical error near the
        bottom of the V, not a lucky cancellation. Only ε on the real V count: where k is a finite
        number other than 0 (k = 0 is the plateau where every value of J rounded alike, whose
        "error" is |J′| or, at a stationary point, a meaningless 0). None when no ε is left."""
        error = self.abs_error(scheme, dtype)
        k = self._estimates[scheme, dtype]
        on_the_v = np.isfinite(k) & (k != 0) & ~np.isnan(error)
        return self._once(
            self._best, (scheme, dtype), self._measured_best, np.where(on_the_v, error, np.nan)
        )

    def _measured_best(self, error: np.ndarray) -> tuple[float, float] | None:
        usable = ~np.isnan(error)
        if not usable.any():
            return None
        order = np.argsort(self.eps)
        log_eps = np.log10(self.eps[order])
        with np.errstate(divide="ignore"):
            log_error = np.log10(error[order])  # exact zeros become −inf: they count as lowest
        left = np.searchsorted(log_eps, log_eps - SMOOTHING_DECADES, side="left")
        right = np.searchsorted(log_eps, log_eps + SMOOTHING_DECADES, side="right")
        index = np.arange(len(log_eps))
        left = np.minimum(left, np.maximum(index - 2, 0))
        right = np.maximum(right, np.minimum(index + 3, len(log_eps)))
        width = int((right - left).max())
        window = left[:, None] + np.arange(width)[None, :]
        inside = window < right[:, None]
        samples = np.where(inside, log_error[np.minimum(window, len(log_eps) - 1)], np.nan)
        smoothed = np.where(usable[order], _row_medians(samples), np.nan)
        if np.isnan(smoothed).all():
            return None
        best = int(np.nanargmin(smoothed))
        return float(self.eps[order][best]), float(10.0 ** smoothed[best])

    # ---- exact arithmetic ---------------------------------------------------------------------

    def exact_arithmetic_error(self, scheme: str) -> np.ndarray:
        """|k − J′| with the quotient computed without floating point: x = x_used("float64") and
        each ε exactly, at enough digits that even the five-point error at ε = 1e-20 (~1e-80) is
        resolved. Computed at ε spaced ~1 decade apart and interpolated in log-log between
        them (the curve is a power law there); every ε is computed where a gap or an exact 0
        begins. 0.0 where exactly zero; nan where the complex step does not apply or a stencil
        point leaves the domain."""
        if scheme not in self.schemes:
            raise ValueError(f"The scheme '{scheme}' is not part of this sweep.")
        with self._lock:
            if not self._exact:
                try:
                    self._exact.update(self._exact_curves())
                except PrecisionLimit:
                    nothing = np.full(self.eps.shape, np.nan)
                    self._exact.update({s: nothing for s in self.schemes})
        return self._exact[scheme].copy()

    def _exact_digits(self, eps: float) -> int:
        """Digits for the exact quotient at ε: the cancellation costs log10(1/ε) digits, and a
        truncation error of order p (plus two, in case the leading derivative vanishes) needs
        p·log10(1/ε) more to be seen; 30 to spare."""
        highest = max(scheme_named(s).order for s in self.schemes)
        return int(math.ceil((highest + 3) * max(0.0, -math.log10(eps)))) + 30

    def _exact_curves(self) -> dict[str, np.ndarray]:
        """All schemes' exact-arithmetic curves in one pass, sharing the values of f.

        All mpmath work happens inside this call, in this thread's context: no mpmath number
        outlives it (a cached sweep may be used from another thread later). Differences below
        the noise of the precision used (2^(10 − bits)·max|f|/ε) are reported as 0.
        """
        if self._reference("float64").reason is not None:
            return {s: np.full(self.eps.shape, np.nan) for s in self.schemes}
        most = self._exact_digits(float(self.eps.min()))
        x_float = self.x_used("float64")
        parameters = self._parameters("float64")
        function = precise_function(self.expr, self.var)
        derivative = _precise_derivative(self.expr, self.var, x_float, parameters, most)
        context = mp_context(most)
        x = context.mpf(x_float)
        fixed = [context.mpf(p) for p in parameters]
        at_x = precise_value(function, context, x, *fixed)
        missing = not context.isfinite(derivative) or not context.isfinite(at_x)
        cache: dict = {}

        def f(point):
            key = (point.real, point.imag) if isinstance(point, context.mpc) else point
            if key not in cache:
                cache[key] = precise_value(function, context, point, *fixed)
            return cache[key]

        steps: dict[int, object] = {}  # per ε, as an mpmath number

        def error_at(scheme: str, i: int) -> float:
            if missing:
                return math.nan
            eps = float(self.eps[i])
            context.dps = self._exact_digits(eps)
            e = steps.setdefault(i, context.mpf(eps))
            definition = scheme_named(scheme)
            values = {}

            def value(offset: int):
                if definition.imaginary:
                    point = context.mpc(x, e)
                else:
                    point = x if offset == 0 else x + offset * e
                values[offset] = at_x if point is x else f(point)
                return values[offset]

            k = definition.combine(value, e)
            if not context.isfinite(k):
                return math.nan
            error = float(abs(k - derivative))
            size = max(float(abs(v)) for v in values.values())
            return 0.0 if error <= math.ldexp(size / eps, 10 - context.prec) else error

        curves = {}
        for scheme in self.schemes:
            if scheme == "complex_step" and complex_step_unavailable(self.expr, "float64"):
                curves[scheme] = np.full(self.eps.shape, np.nan)
            else:
                curves[scheme] = self._interpolated(lambda i, s=scheme: error_at(s, i))
        return curves

    def _interpolated(self, error_at) -> np.ndarray:
        """error_at(i) on a sub-grid ~1 decade apart, interpolated linearly in log-log;
        computed at every ε between two sub-grid points of different kind (nan / 0 / > 0)."""
        order = np.argsort(self.eps)
        log_eps = np.log10(self.eps[order])
        picked = [0]
        for position in range(1, len(order)):
            if log_eps[position] - log_eps[picked[-1]] >= EXACT_SUBGRID_DECADES:
                picked.append(position)
        if picked[-1] != len(order) - 1:
            picked.append(len(order) - 1)
        result = np.full(len(order), np.nan)
        for p in picked:
            result[p] = error_at(order[p])

        def kind(value: float) -> int:
            return 0 if math.isnan(value) else (1 if value == 0 else 2)

        for a, b in zip(picked, picked[1:], strict=False):
            if b - a < 2:
                continue
            inner = np.arange(a + 1, b)
            if kind(result[a]) != kind(result[b]):
                for p in inner:
                    result[p] = error_at(order[p])
            elif kind(result[a]) == 2:
                result[inner] = 10 ** np.interp(
                    log_eps[inner], log_eps[[a, b]], np.log10(result[[a, b]])
                )
            elif kind(result[a]) == 1:
                result[inner] = 0.0
        out = np.empty(len(order))
        out[order] = result
        return out


def error_sweep(
    expr: sympy.Expr,
    var: str,
    x: float,
    eps_values,
    schemes: Sequence[str],
    dtypes: Sequence[str],
    step_trick: bool = False,
    values: Values = None,
) -> ErrorSweep:
    """k and its error for every ε in `eps_values`, every scheme and every dtype.

    `x` is the point as typed (each dtype uses its nearest number to it); `eps_values` a 1-D
    array of positive finite ε in any order. Raises ValueError for an invalid ε, scheme, dtype
    or point; never for a J that is undefined somewhere (those ε get nan and a `nan_reason`).
    """
    try:
        eps = np.array(eps_values, dtype=np.float64, ndmin=1)
    except (TypeError, ValueError):
        raise ValueError("ε must be a positive number.") from None
    if eps.ndim != 1 or eps.size == 0 or not (np.isfinite(eps) & (eps > 0)).all():
        raise ValueError("ε must be a positive number.")
    schemes = tuple(validate_scheme(s) for s in schemes)
    dtypes = tuple(validate_dtype(d) for d in dtypes)
    if not math.isfinite(float(x)):
        raise ValueError("The point must be a finite number.")
    return ErrorSweep(expr, var, x, eps, schemes, dtypes, step_trick, values)


def complete_error_sweep(*args, **kwargs) -> ErrorSweep:
    """`error_sweep(*args, **kwargs)` with everything computed: what a bounded worker sends back."""
    return error_sweep(*args, **kwargs).complete()


def prepare_worker() -> None:
    """One small complete sweep (about 0.1 s), so that the worker processes are forked with
    NumPy's printer, lambdify and mpmath's constants already loaded."""
    w = sympy.Symbol("w", real=True)
    complete_error_sweep(
        sympy.sin(w) / w, "w", 0.5, default_eps_grid(40), ("forward", "complex_step"), ("float64",)
    )
