"""Beyond the V: the methods real tools use, measured against the same reference as the sweep.

- automatic differentiation (backprop in each dtype): one number, no ε, so a horizontal line;
- Richardson extrapolation of the central difference from ε and ε/2, and from the full tableau
  on ε, ε/2, ε/4, ε/8: curves against ε whose V lies lower than the central difference's;
- the automatic step (float64): one point (its step, its error) with its own error estimate.

Errors are |estimate − J′(x_used)| with the sweep's 50-digit reference, divided by |J′| for
`kind="rel"` (absolute where J′ = 0, as on the rest of the plot).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from derivcore.autodiff import accuracy, backprop
from derivcore.evaluation_noise import evaluation_noise
from derivcore.graph import ComputationGraph
from derivcore.numeric import compile_function
from derivcore.richardson import (
    AutoStep,
    automatic_derivative,
    break_reach,
    locate_pole,
    richardson_estimates,
    richardson_tableau,
)

BEYOND_METHODS = ("autodiff", "richardson", "richardson_tableau", "auto_step")
BEYOND_LABELS = {
    "autodiff": "automatic differentiation (backprop)",
    "richardson": "Richardson from ε and ε/2",
    "richardson_tableau": "Richardson tableau on ε … ε/8",
    "auto_step": "automatic step (Richardson, float64)",
}
TABLEAU_LEVELS = 4


@dataclass(frozen=True)
class MethodCurve:
    method: str
    dtype: str
    label: str
    error: np.ndarray  # aligned with the sweep's ε; nan where not computable


@dataclass(frozen=True)
class MethodLine:
    """A method without a step: one error, drawn flat over the ε axis."""

    method: str
    dtype: str
    label: str
    value: float
    error: float


@dataclass(frozen=True)
class BeyondTheV:
    curves: tuple[MethodCurve, ...] = ()
    lines: tuple[MethodLine, ...] = ()
    auto_step: AutoStep | None = None
    auto_step_error: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _error(estimate, reference: float, kind: str):
    with np.errstate(all="ignore"):
        error = np.abs(np.asarray(estimate, dtype=np.float64) - reference)
        if kind == "rel" and reference != 0:
            error = error / abs(reference)
    return error


def beyond_the_v(
    sweep,
    methods: tuple[str, ...],
    kind: str = "abs",
    values: dict | None = None,
    graph: ComputationGraph | None = None,
    graph_problem: str | None = None,
) -> BeyondTheV:
    """The chosen methods' errors for the sweep's J, x and ε grid in the sweep's dtypes.

    `values` holds the other variables' values (as given to the sweep); `graph` is J's
    computation graph at the point (needed for automatic differentiation, built under the time
    bound by the caller) or `graph_problem` says why there is none.
    """
    expr, var, x = sweep.expr, sweep.var, sweep.x
    curves, lines, notes = [], [], []
    auto, auto_error = None, None
    reach = None
    for dtype in sweep.dtypes:
        reference = float(sweep.reference(dtype))
        line = None
        if "autodiff" in methods:
            line, note = _autodiff_line(graph, graph_problem, var, dtype, values, x)
            if note and note not in notes:
                notes.append(note)
        if not math.isfinite(reference):
            note = "There is no J′ here, so no method beyond the V has anything to approach."
            if note not in notes:
                notes.append(note)
            continue
        if line is not None:
            # Exact up to rounding or not, judged against J′ at the same x_used (see autodiff).
            verdict = accuracy(graph, line, var, reference)
            notes.append(f"Automatic differentiation, {dtype}: {verdict}")
            line = line.derivative(var)
            label = f"{BEYOND_LABELS['autodiff']}, {dtype}"
            lines.append(
                MethodLine("autodiff", dtype, label, line, float(_error(line, reference, kind)))
            )
        for method, levels in (("richardson", 2), ("richardson_tableau", TABLEAU_LEVELS)):
            if method in methods:
                estimates = richardson_estimates(expr, var, x, sweep.eps, dtype, values, levels)
                if reach is None:
                    reach, note = _richardson_reach(expr, var, x, values, sweep.eps)
                    if note:
                        notes.append(note)
                estimates = np.where(np.asarray(sweep.eps) < reach, estimates, np.nan)
                curves.append(
                    MethodCurve(
                        method,
                        dtype,
                        f"{BEYOND_LABELS[method]}, {dtype}",
                        _error(estimates, reference, kind),
                    )
                )
        if "auto_step" in methods and dtype == "float64":
            f = compile_function(expr, var, "float64", values)
            # J's own rounding from its graph, where the caller built one (0: only u·|J|).
            noise = evaluation_noise(graph) if graph is not None and not graph.problems else 0.0
            auto = automatic_derivative(f, x, noise=noise)
            auto_error = float(_error(auto.value, reference, kind))
            if auto.message:
                notes.append(f"Automatic step: {auto.message}")
    if "auto_step" in methods and "float64" not in sweep.dtypes:
        notes.append("The automatic step works in float64: pick float64 to see it.")
    return BeyondTheV(tuple(curves), tuple(lines), auto, auto_error, tuple(notes))


def _richardson_reach(expr, var: str, x: float, values, eps) -> tuple[float, str | None]:
    """The smallest ε from which on the tableau's steps reach past where J is smooth, judged
    from J's own numbers at those steps (float64), and the note that says so (or ∞, None)."""
    f = compile_function(expr, var, "float64", values)
    reach = break_reach(f, x, eps, TABLEAU_LEVELS)
    if not math.isfinite(reach):
        return reach, None
    pole = locate_pole(f, x, reach, TABLEAU_LEVELS)
    with np.errstate(all="ignore"):
        ends = [p for p in (x - reach, x + reach) if np.isnan(f(np.array([p]))[0])]
    if pole is not None:
        where = f"its steps reach across a pole (J runs off to ±∞ at {var} ≈ {pole:.3g})"
    elif ends:
        where = f"its steps leave J's domain (J has no value at {var} = {ends[0]:.3g})"
    else:
        where = (
            "its central differences stop settling as the step halves: the steps reach "
            "past where J is smooth (a pole, a jump, the edge of J's domain, or wiggles "
            "shorter than the step)"
        )
    return reach, f"Richardson: for ε ≥ {reach:.2g} {where}; those ε are left out."


def _autodiff_line(graph, graph_problem, var, dtype, values, x):
    """(backprop's result in dtype or None, a note or None)."""
    label = "Automatic differentiation"
    if graph is None:
        return None, f"{label} does not apply: {graph_problem or 'J has no computation graph.'}"
    if graph.problems:
        return None, f"{label} does not apply here: {graph.problems[0]}"
    # The float x, as the sweep uses it, rounded once to the dtype: the same x_used.
    inputs = {**(values or {}), var: x}
    result = backprop(graph, dtype, inputs)
    note = f"{label}, {dtype}: {result.problems[0]}" if result.problems else None
    return result, note


def tableau_rows(expr, var: str, x: float, eps: float, reference: float, values=None) -> list:
    """Richardson's tableau at the sidebar's ε (float64), one row per step ε/2^i: the central
    difference, then each extrapolation, as text with its error against `reference`."""
    f = compile_function(expr, var, "float64", values)
    table = richardson_tableau(f, x, [eps], TABLEAU_LEVELS)[:, :, 0]
    rows = []
    for i in range(TABLEAU_LEVELS):
        row = {"step": f"ε/{2**i}" if i else "ε"}
        for j in range(TABLEAU_LEVELS):
            value = float(table[i, j])
            name = "central D" if j == 0 else f"extrapolated {j}×"
            row[name] = f"{value:.16g} (error {abs(value - reference):.1e})" if j <= i else ""
        rows.append(row)
    return rows


def explanation(beyond: BeyondTheV, methods: tuple[str, ...]) -> str:
    """Markdown: what each chosen method does, why it helps, and where it still fails."""
    parts = []
    if "autodiff" in methods:
        parts.append(
            "**Automatic differentiation** runs J's computation graph forward and then "
            "backward (the chain-rule page draws it), every number in the chosen precision. "
            "There is no ε, so no truncation error and no cancellation in J(w+ε) − J(w). Often "
            "only rounding is left, about u·|J′| (u = 1.1e-16 in float64, 6e-8 in float32, "
            "4.9e-4 in float16), a flat line over the ε axis; the notes above say, from the "
            "numbers at this point, whether that is so here. Machine-learning frameworks use it "
            "because there is no step to choose and one backward pass gives the derivative with "
            "respect to every input at once: a million weights cost one pass, not a million "
            "nudges. It fails when a local derivative is computed from values already rounded "
            "(σ(w)·(1 − σ(w)) at w = 40 is 0 in float64, where σ rounds to 1), when the chain "
            "rule's terms cancel (sin(w)/w at 1e-8: 1e8 − 1e8 leaves 0, not −3.3e-9), and when "
            "an intermediate value leaves the precision's range: in "
            "float16 (largest number 65504, smallest about 6e-8) J = sqrt(w^2 + 1) at w = 300 "
            "overflows w² = 90000 to ∞ and backprop returns 0 instead of 0.99999, and "
            "J = log(w^2) at w = 0.0001 underflows w² to 0 and returns ∞ instead of 20000."
        )
    if "richardson" in methods or "richardson_tableau" in methods:
        parts.append(
            "**Richardson extrapolation**: the central difference is D(ε) = J′ + c·ε² + "
            "d·ε⁴ + …, so (4·D(ε/2) − D(ε))/3 cancels the ε² term and leaves an error of order "
            "ε⁴; repeating on ε/4 and ε/8 (the tableau) cancels ε⁴ and ε⁶ too. The truncation "
            "arm gets steeper, the rounding arm stays where it was: the V gets deeper and its "
            "bottom moves to larger ε."
        )
    auto = beyond.auto_step
    if "auto_step" in methods and auto is not None and math.isfinite(auto.value):
        parts.append(
            f"**Automatic step** (what numdifftools and SciPy do, with fewer evaluations): J at "
            f"w ± k·h for k = 1 … 5 (h a power of two near √max(|w|, 1)/32) and the central "
            f"differences of order 2 to 10 from these values; how fast they converge estimates "
            f"the truncation error, u·Σ|cᵢ·J(wᵢ)|/h the rounding, or more where J's own formula "
            f"rounds more than u·|J| (J's graph says how much: each operation v rounds its "
            f"result, which moves J by ∂J/∂v times that, all ∂J/∂v from one backward pass). "
            f"Where they stop converging the "
            f"step shrinks, where J ends on one side the steps go to the other side. Here: "
            f"J′ ≈ {auto.value!r} with h = {auto.step:.3g} ({auto.method}, order "
            f"{auto.order}), {auto.evaluations} evaluations of J, estimated error "
            f"{auto.error_estimate:.1e}, real error {beyond.auto_step_error:.1e}."
        )
    return "\n\n".join(parts)
