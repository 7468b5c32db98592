"""Numbers as the pages show them: one place for every way a float is written.

`number_text` and `number_latex` write a float with a format spec (".10g" by default, "repr" for
Python's shortest round-trip digits), nan as "undefined" and ±inf as ∞; LaTeX writes the exponent
as × 10ⁿ. `python_repr` is how the lab's Python prints a number; `spoken_number` keeps one
significant digit, as one says it aloud in a chart's description.
"""

import math


def number_text(value: float, spec: str = ".10g") -> str:
    """e.g. 6.000999999 (".10g"), 1.1e-16 (".1e"), 0.1 ("repr"); −0 is written 0."""
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    value += 0.0  # −0.0 becomes 0.0
    return repr(value) if spec == "repr" else format(value, spec)


def number_latex(value: float, spec: str = ".10g") -> str:
    r"""`number_text` in LaTeX: 1.1 \times 10^{-16}, \infty, \text{undefined}."""
    value = float(value)
    if math.isnan(value):
        return r"\text{undefined}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    mantissa, _, exponent = number_text(value, spec).partition("e")
    return mantissa + (rf" \times 10^{{{int(exponent)}}}" if exponent else "")


def python_repr(value: float) -> str:
    """A float as Python prints it, and whole numbers as the lab's integers print (9, not 9.0)."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def spoken_number(value: float) -> str:
    """One significant digit, as one says it aloud: 0.001 is '1e-3', 6.000999 is '6'."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if 1e-2 <= abs(value) < 1e4:
        return f"{float(f'{value:.1g}'):g}"  # 31.6 is '30', not '3e+01'
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"
