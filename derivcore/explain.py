"""The short explanation of the V, written with the numbers of the student's own function."""

import math

from derivcore.error_model import UNIT_ROUNDOFF
from derivcore.error_sweep import ErrorSweep

LAB_EPS = 1e-9


def _focus(sweep: ErrorSweep) -> tuple[str, str]:
    """The pair the text talks about: forward float64 when shown (the lab's), else the first."""
    pairs = [(s, d) for s in sweep.schemes for d in sweep.dtypes if not sweep.not_applicable(s, d)]
    return ("forward", "float64") if ("forward", "float64") in pairs else pairs[0]


def error_explanation(sweep: ErrorSweep, eps: float | None) -> str:
    """Markdown: truncation + rounding, E(ε) ≈ C·ε^p + R/ε, tied to this J, this point and ε."""
    if not any(not sweep.not_applicable(s, d) for s in sweep.schemes for d in sweep.dtypes):
        return "None of the chosen schemes applies to this function."
    scheme, dtype = _focus(sweep)
    model = sweep.model(scheme, dtype)
    var, u = sweep.var, UNIT_ROUNDOFF[dtype]
    reason = sweep.reference_reason(dtype)
    if reason:
        return f"{reason}, so there is no error to measure here."
    text = [
        f"The error of the nudge has two parts. **Truncation**: Taylor's theorem says "
        f"k = J′({var}) + C·ε^{model.order} + …, so this part shrinks as ε shrinks. "
        f"**Rounding**: a {dtype} keeps about {_digits(u)} significant digits (u ≈ {u:.1e}); "
        f"J({var}+ε) and J({var}) each carry an error of about u·|J|, the subtraction of two "
        "nearly equal numbers keeps that error while the difference itself shrinks, and dividing "
        "by ε "
        "magnifies it. Together:",
        rf"$$E(\varepsilon) \approx C\,\varepsilon^{{{model.order}}} + \frac{{R}}{{\varepsilon}},"
        rf"\quad C = {_tex(model.truncation_coefficient)},"
        rf"\ R = {_tex(model.rounding_coefficient)}$$",
    ]
    if model.best_eps:
        text.append(
            f"For {scheme.replace('_', '-')} differences in {dtype} here the two parts balance "
            f"at ε ≈ {model.best_eps:.1e}, where the error is about {model.best_error:.1e}: "
            "smaller steps make the answer *worse*, not better."
        )
    for label, value in (("your ε", eps), ("the lab's ε", LAB_EPS)):
        if value:
            text.append(
                f"At {label} = {value:g}: truncation ≈ {float(model.truncation(value)):.1e}, "
                f"rounding ≈ {float(model.rounding(value)):.1e}."
            )
    if scheme == "forward" and dtype == "float64":
        text.append(
            "That is why the lab's ε = 1e-9 gives a k whose error is hundreds of times larger "
            "than ε itself: at that step rounding, not truncation, decides."
        )
    text.append(
        f"Below ε ≈ {model.breakdown_eps:.1e}, {var} + ε rounds back to {var} in {dtype}: "
        "J(w+ε) − J(w) is exactly 0, so k = 0 and the relative error is exactly 1."
    )
    return "\n\n".join(text)


def _digits(u: float) -> int:
    return round(-math.log10(2 * u))


def _tex(value: float) -> str:
    """A number in LaTeX scientific notation, e.g. 1.1 \\times 10^{-16}."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return r"\text{undefined}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"
