"""The short explanation of the V, written with the numbers of the student's own function.

Every sentence is built from the sweep's own numbers for the scheme and precision it talks about,
and is left out when those numbers do not support it: the lab's ε is called rounding-dominated
only where the model's rounding term exceeds its truncation term there, a model value is quoted
only above the ε where w + ε == w (the figure hides the model below it), and what k is below
that ε is read from the computed k, not assumed.
"""

import math

import numpy as np

from derivcore.error_model import UNIT_ROUNDOFF
from derivcore.number_format import number_latex
from derivcore.sweep import ErrorSweep

LAB_EPS = 1e-9
# A model value this many times above or below the measured error is not quoted as describing it.
_OFF = 10


def _smallest_measured(sweep: ErrorSweep, scheme: str, dtype: str) -> float:
    """The smallest finite measured |k − J′| above the ε where w + ε == w (inf if none)."""
    error = sweep.abs_error(scheme, dtype)[sweep.eps > sweep.model(scheme, dtype).breakdown_eps]
    finite = error[np.isfinite(error)]
    return float(finite.min()) if finite.size else math.inf


def _focus(sweep: ErrorSweep) -> tuple[str, str]:
    """The pair the text talks about: forward float64 when shown (the lab's), else the first."""
    pairs = [(s, d) for s in sweep.schemes for d in sweep.dtypes if not sweep.not_applicable(s, d)]
    return ("forward", "float64") if ("forward", "float64") in pairs else pairs[0]


def error_explanation(sweep: ErrorSweep, eps: float | None) -> str:
    """Markdown: truncation + rounding, E(ε) ≈ C·ε^p + R/ε, tied to this J, this point and ε."""
    if not any(not sweep.not_applicable(s, d) for s in sweep.schemes for d in sweep.dtypes):
        return "None of the chosen schemes applies to this function."
    scheme, dtype = _focus(sweep)
    reason = sweep.reference_reason(dtype)
    if reason:
        return f"{reason}, so there is no error to measure here."
    model = sweep.model(scheme, dtype)
    name = scheme.replace("_", "-")
    if not math.isfinite(model.truncation_coefficient):
        # No model (w·|w| at 0 has J′ but no J″): only what was measured can be said.
        text = [
            f"{model.note} Taylor's theorem, which splits the error into truncation and "
            "rounding, needs the higher derivatives of J at the point, so the plot shows the "
            "measured error only."
        ]
        for label, value in (("your ε", eps), ("the lab's ε", LAB_EPS)):
            if value:
                grid_eps, measured = _measured_at(sweep, scheme, dtype, value)
                text.append(
                    f"At {label} = {value:g}: measured at ε = {grid_eps:.2g}: {measured:.1e}."
                )
        text.append(_breakdown(sweep, scheme, dtype, model))
        return "\n\n".join(t for t in text if t)
    text = [_parts(sweep, scheme, dtype, model)]
    smallest = _smallest_measured(sweep, scheme, dtype)
    if model.best_eps and model.rounding_coefficient > 0 and smallest > _OFF * model.best_error:
        text.append(
            f"The model's two parts would balance at ε ≈ {model.best_eps:.1e} with an error of "
            f"about {model.best_error:.1e}, but the measured error never gets below "
            f"{smallest:.1e} here: the model does not describe this function at this point, "
            "so read the measured curve."
        )
    elif model.best_eps and model.rounding_coefficient > 0:
        text.append(
            f"For {name} differences in {dtype} here the two parts balance at ε ≈ "
            f"{model.best_eps:.1e}, where the model's error is about {model.best_error:.1e}: "
            "below that ε, smaller steps make the answer *worse*, not better."
        )
    elif model.note:
        text.append(model.note)
    for label, value in (("your ε", eps), ("the lab's ε", LAB_EPS)):
        if value:
            text.append(_at_step(sweep, scheme, dtype, model, label, value))
    text.append(_breakdown(sweep, scheme, dtype, model))
    return "\n\n".join(t for t in text if t)


def _parts(sweep: ErrorSweep, scheme: str, dtype: str, model) -> str:
    var, u = sweep.var, UNIT_ROUNDOFF[dtype]
    if scheme == "complex_step":
        return (
            f"The complex step k = Im J({var} + iε)/ε subtracts nothing, so rounding is not "
            f"magnified as ε shrinks: its error is **truncation** (C·ε^{model.order}, shrinking "
            f"with ε) plus the rounding of k itself, about u·|J′| (u ≈ {u:.1e} in {dtype})."
        )
    leading = model.leading_order or model.order
    taylor = (
        f"k = J′({var}) + C·ε^{model.order} + …"
        if leading == model.order
        else f"k = J′({var}) + a·ε^{leading} + C·ε^{model.order} + …, where the ε^{leading} "
        f"term is so small here that the ε^{model.order} term matters more"
    )
    return (
        f"The error of the nudge has two parts. **Truncation**: Taylor's theorem says "
        f"{taylor}, so this part shrinks as ε shrinks. "
        f"**Rounding**: a {dtype} keeps about {_digits(u)} significant digits (u ≈ {u:.1e}); "
        f"each value of J carries a rounding error of at least about u·|J| (more where J's "
        "own formula loses digits, which the model below does not count), the subtraction "
        "of nearly equal values keeps that error while the difference itself shrinks, and "
        "dividing by ε magnifies it. Together:"
        + "\n\n"
        + rf"$$E(\varepsilon) \approx C\,\varepsilon^{{{model.order}}} + \frac{{R}}{{\varepsilon}},"
        rf"\quad C = {_tex(model.truncation_coefficient)},"
        rf"\ R = {_tex(model.rounding_coefficient)}$$"
    )


def _measured_at(sweep: ErrorSweep, scheme: str, dtype: str, value: float) -> tuple[float, float]:
    """(ε of the grid nearest `value` in log scale, the measured |k − J′| there)."""
    i = int(np.argmin(np.abs(np.log10(sweep.eps) - math.log10(value))))
    return float(sweep.eps[i]), float(sweep.abs_error(scheme, dtype)[i])


def _at_step(sweep: ErrorSweep, scheme: str, dtype: str, model, label: str, value: float) -> str:
    if value <= model.breakdown_eps:
        return (
            f"At {label} = {value:g}, {sweep.var} + ε == {sweep.var} in {dtype}: the model "
            "does not apply there (see below)."
        )
    truncation = float(model.truncation(value))
    rounding = float(model.rounding(value))
    sentence = f"At {label} = {value:g}: truncation ≈ {truncation:.1e}, rounding ≈ {rounding:.1e}"
    grid_eps, measured = _measured_at(sweep, scheme, dtype, value)
    if not math.isfinite(measured):
        return sentence + "."
    sentence += f"; measured at ε = {grid_eps:.2g}: {measured:.1e}"
    var = sweep.var
    k_is_zero = _k_at(sweep, scheme, dtype, grid_eps) == 0 and scheme != "complex_step"
    if measured > 0 and k_is_zero:
        sentence += (
            f" (k = 0: J({var} + ε) rounds to J({var}) at that step, so the error is |J′| itself)"
        )
    # A measured error far below the rounding term is ordinary (R/ε is the size of a bound), so
    # only a truncation term far above the measurement, or a model far below it, is "off".
    elif measured > 0 and (
        (truncation > _OFF * measured and truncation >= rounding)
        or truncation + rounding < measured / _OFF
    ):
        above = truncation + rounding > measured
        sentence += (
            f": the model is more than {_OFF}× {'above' if above else 'below'} the measured "
            "error here, so it does not describe this step"
        )
    elif measured > 0 and label == "the lab's ε" and scheme != "complex_step":
        ratio = measured / grid_eps
        sentence += f", {ratio:.3g} times ε itself"
        if rounding > 2 * truncation:
            sentence += ": at that step rounding, not truncation, decides"
        elif truncation > 2 * rounding:
            sentence += ": at that step truncation still decides"
    elif measured == 0:
        sentence += " (exactly 0" + (
            f": J({var} + ε) rounds to J({var}), so k = 0, which here is J′ itself)"
            if k_is_zero
            else ": the computed k equals J′ to the last bit)"
        )
    return sentence + "."


def _k_at(sweep: ErrorSweep, scheme: str, dtype: str, eps: float) -> float:
    return float(sweep.estimate(scheme, dtype)[sweep.eps == eps][0])


def _breakdown(sweep: ErrorSweep, scheme: str, dtype: str, model) -> str:
    var, edge = sweep.var, model.breakdown_eps
    if scheme == "complex_step":
        if edge > 0 and math.isfinite(edge):
            return f"Below ε ≈ {edge:.1e}, ε itself rounds to 0 in {dtype}, so k = 0/0."
        return ""
    if not edge > 0:
        start = (
            f"At {var} = 0, {var} + ε is ε itself: it never rounds back to {var} (until ε "
            "underflows)"
        )
        alike = sweep.estimate(scheme, dtype) == 0
        if alike.any():
            exact = " (exactly J′, which is 0)" if sweep.reference(dtype) == 0 else ""
            return (
                f"{start}, but J(ε) itself rounds to J(0) for small ε: k = 0{exact} for ε up "
                f"to {float(sweep.eps[alike].max()):.1e} here."
            )
        return f"{start}, and J(ε) never rounds to J(0) here, so k is never 0."
    below = sweep.eps <= edge
    if not below.any():
        return ""
    k = sweep.estimate(scheme, dtype)[below]
    reference = sweep.reference(dtype)
    start = f"Below ε ≈ {edge:.1e}, every {var} ± ε rounds back to {var} in {dtype}"
    if np.all(k == 0):
        consequence = "all values of J are the same, so k = 0"
        if reference != 0:
            consequence += f" and the error is |J′| = {abs(reference):.2g} (relative error 1)"
        return f"{start}: {consequence}."
    return (
        f"{start}: all values of J are the same, yet the formula's weights leave what rounding "
        f"makes of them: k is {_range(k)} there, not 0."
    )


def _range(values: np.ndarray) -> str:
    finite = values[np.isfinite(values)]
    if finite.size < values.size:
        return "not finite for some ε" if finite.size else "not finite"
    low, high = float(np.min(np.abs(finite))), float(np.max(np.abs(finite)))
    if low == high:
        return f"about {high:.1e} in size"
    return f"between {low:.1e} and {high:.1e} in size"


def _digits(u: float) -> int:
    return round(-math.log10(2 * u))


def _tex(value: float) -> str:
    """A number in LaTeX scientific notation, e.g. 1.1 \\times 10^{-16}; 0 as 0."""
    return "0" if value == 0 else number_latex(value, ".1e")
