"""The error of k against ε: every scheme and dtype at once, with reference, model and reasons.

(About 550 lines and one concept: `ErrorSweep` is the object every page reads, and its parts
are computed lazily under one lock, so they stay together. The work it delegates lives in
`reference` (J′ and J⁽ⁿ⁾ in high precision), `exact_arithmetic` (the curve without floating
point), `missing_values` (why a value is missing) and `error_model`.)

`error_sweep` computes k for a whole array of ε in each dtype (array work: J is evaluated once per
stencil point and shared between the schemes), and compares it with J′ computed by mpmath to 50
digits at the x the dtype actually holds (float32(0.1) is not 0.1). Everything that needs more
work (the error model, the exact-arithmetic curve, the reasons for gaps, the smoothed best)
is computed on first use and kept.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import sympy

from derivcore.error_model import (
    ErrorModel,
    error_model,
    not_applicable_model,
)
from derivcore.exact_arithmetic import exact_arithmetic_errors
from derivcore.finite_differences import (
    COMPLEX_DTYPES,
    Stencil,
    complex_step_unavailable,
    validate_dtype,
    validate_scheme,
)
from derivcore.missing_values import causes, domain_checks, range_text
from derivcore.numeric import Values, compile_function, precise_parameters, round_to_dtype
from derivcore.precise import PrecisionLimit, mp_context, precise_function, precise_value
from derivcore.reference import (
    REFERENCE_DIGITS,
    kink_at,
    precise_derivative,
    taylor_derivatives,
)
from derivcore.schemes import scheme_named

SMOOTHING_DECADES = 0.5  # half-width of the running median behind `measured_best`


def default_eps_grid(n: int = 400, lo: float = 1e-20, hi: float = 1.0) -> np.ndarray:
    """n values of ε spaced evenly in log scale from `lo` up to `hi` (increasing)."""
    if n < 2 or not (0 < lo < hi) or not math.isfinite(hi):
        raise ValueError("The ε grid needs n ≥ 2 and 0 < lo < hi.")
    return np.logspace(math.log10(lo), math.log10(hi), n)


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
            derivative = precise_derivative(self.expr, self.var, x, parameters, REFERENCE_DIGITS)
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
                kink = kink_at(self.expr, self.var, x, parameters)
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
            cause = self._causes(0, dtype, np.ones(1, dtype=bool))[0][1]
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
                parts += self._causes(offset, dtype, bad)
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
            + "; ".join(f"{range_text(mask, self.eps)}: {cause}" for mask, cause in parts)
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
            (a, "a pole") for a, condition, _ in domain_checks(self.expr) if condition == "zero"
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
                    f"{range_text(mask, self.eps)} the stencil's points lie on both sides of "
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
            f"{range_text(zero, self.eps)} J′·ε is below the smallest positive {dtype} "
            f"({tiny:.2g}), so Im J({self.var} + iε) underflows to 0 and k = 0: the complex "
            "step needs |J′|·ε to be a representable number."
        )

    def _causes(self, offset, dtype: str, bad: np.ndarray) -> list[tuple[np.ndarray, str]]:
        """Why J(x + offset·ε) is not finite where `bad` holds: [(mask, sentence)]."""
        points = None if offset == "complex" else self._stencils[dtype].point(offset)
        parameters = self._parameters("float64")
        return causes(self.expr, self.var, self._values, parameters, points, offset, dtype, bad)

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
                derivatives = taylor_derivatives(
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
        """|k − J′| with the quotient computed without floating point at x = x_used("float64")
        (see `exact_arithmetic`). 0.0 where exactly zero; nan where the complex step does not
        apply, a stencil point leaves the domain, or J′ has no reference value."""
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

    def _exact_curves(self) -> dict[str, np.ndarray]:
        if self._reference("float64").reason is not None:
            return {s: np.full(self.eps.shape, np.nan) for s in self.schemes}
        return exact_arithmetic_errors(
            self.expr,
            self.var,
            self.x_used("float64"),
            self._parameters("float64"),
            self.eps,
            self.schemes,
        )


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
