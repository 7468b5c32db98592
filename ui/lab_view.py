"""The lab page's formulas as LaTeX. The lab's examples are fixed, so each is parsed and typeset
once per process instead of on every rerun (that was a third of the page's CPU)."""

import functools

from derivcore.expressions import parse
from derivcore.lab import LabExample
from derivcore.symbolic import to_latex


@functools.cache  # unbounded, but keyed by the few fixed LAB_EXAMPLES only
def example_latex(example: LabExample) -> tuple[str, tuple[str, ...]]:
    """J and dJ/dw on one line, then dJ/dw at each point the lab substitutes."""
    formula = (
        rf"J(w) = {to_latex(parse(example.function))},\qquad "
        rf"\frac{{dJ}}{{dw}} = {to_latex(parse(example.derivative))}"
    )
    at_points = tuple(
        rf"\frac{{dJ}}{{dw}}\Big|_{{w = {point}}} = {to_latex(parse(value))}"
        for point, value in example.lab_subs
    )
    return formula, at_points
