"""The error page's table "Best ε, measured and predicted", as text, with the notes it needs.

The measured best is `ErrorSweep.measured_best`, the star on the plot: the minimum of the error
smoothed by a running median over ±½ decade of ε, counting only steps where k ≠ 0 (the V). The
table says so, because single steps fall lower by lucky cancellation, and the plateau where k = 0
can lie lower still: sin at π/2 has error |J′| ≈ 6e-17 there, and where J′ = 0 (cos at 0) the
error there is exactly 0. Every error in the table is absolute, |k − J′|, whatever the plot shows.
"""

import math

import numpy as np

from derivcore.missing_values import range_text
from derivcore.schemes import scheme_named

MEASURED_EPS = "best ε (measured ★)"
MEASURED_ERROR = "|k − J′| there (measured ★)"
MEASURED_CAPTION = (
    "★ Measured: the step where the error of k, smoothed by a running median over ±½ decade "
    "of ε, is smallest, counting only steps where k ≠ 0 (the star on the plot); single steps "
    "can land lower by a lucky cancellation. Errors in this table are absolute, |k − J′|."
)


def _number(value: float | None) -> str:
    """Two significant digits; None or nan (nothing to show) is "—", and −0 is 0."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value + 0.0:.2g}"


def plateau_note(sweep, scheme: str, dtype: str) -> str | None:
    """Where k = 0 (every stencil value of J rounded alike) gives a smaller error than the
    measured best: say so, since the plot shows it below the star."""
    best = sweep.measured_best(scheme, dtype)
    k, error = sweep.estimate(scheme, dtype), sweep.abs_error(scheme, dtype)
    plateau = (k == 0) & np.isfinite(error)
    if best is None or not plateau.any() or error[plateau].min() >= best[1]:
        return None
    smallest = float(error[plateau].min())
    error_there = f"the error |J′| = {smallest:.2g}" if smallest else "J′ = 0 exactly (error 0)"
    return (
        f"{range_text(plateau, sweep.eps)}, k = 0 exactly, with {error_there}, below the ★: "
        "k = 0 says nothing about J′ (the values of J in the formula came out equal), so it "
        "is not a better step."
    )


def no_v_note(sweep, scheme: str, dtype: str) -> str | None:
    """Why there is no measured best where J′ exists: k = 0 at every finite step."""
    if sweep.measured_best(scheme, dtype) is not None or sweep.reference_reason(dtype):
        return None
    k = sweep.estimate(scheme, dtype)
    finite = np.isfinite(k)
    if not finite.any() or np.any(k[finite] != 0):
        return None
    error = abs(sweep.reference(dtype))
    there = f"|J′| = {error:.2g}" if error else "0 (J′ = 0)"
    return f"no ★: k = 0 at every step, so no step measures J′; the error is {there} at every ε."


def best_eps_table(sweep, var: str) -> tuple[list[dict[str, str]], list[str]]:
    """(rows, notes): one row per scheme and precision that applies, and the sentences the
    reader needs under the table (what ★ means, why a cell is "—", where k = 0 does better)."""
    rows, notes = [], [MEASURED_CAPTION]
    for scheme in sweep.schemes:
        for dtype in sweep.dtypes:
            if sweep.not_applicable(scheme, dtype):
                continue
            label = scheme_named(scheme).label
            model = sweep.model(scheme, dtype)
            measured = sweep.measured_best(scheme, dtype) or (None, None)
            rows.append(
                {
                    "scheme": label,
                    "precision": dtype,
                    MEASURED_EPS: _number(measured[0]),
                    MEASURED_ERROR: _number(measured[1]),
                    "best ε (model)": _number(model.best_eps),
                    "|k − J′| there (model)": _number(model.best_error),
                    f"{var} + ε == {var} below": _number(model.breakdown_eps),
                }
            )
            if math.isnan(model.breakdown_eps) and model.note:
                notes.append(f"{label}, {dtype}: — {model.note}.")
            else:
                note = plateau_note(sweep, scheme, dtype) or no_v_note(sweep, scheme, dtype)
                if note:
                    notes.append(f"{label}, {dtype}: {note}")
    return rows, notes
