"""Derivative: the symbolic result in full: as SymPy returns it, simplified, higher orders,
partial derivatives, and exact values at several points next to the nudge."""

import streamlit as st

from derivcore.expressions import ExpressionError
from derivcore.inputs import parse_points
from derivcore.nudge import compare_at_points
from derivcore.number_format import python_repr
from derivcore.point_values import point_text
from derivcore.schemes import FORWARD
from derivcore.symbolic import to_latex
from ui.cache import derivation_steps, derivative_of_order, exact_derivatives
from ui.derivation import show_steps
from ui.link_options import explain_unusable
from ui.messages import show_input_problem, show_problem
from ui.sidebar import current_inputs
from ui.table import show_table

inputs = current_inputs()
fn, var = inputs.function, inputs.var

st.title("The symbolic derivative")
if fn is None:
    st.info("Fix the function in the sidebar to see its derivative.")
    st.stop()

st.latex(f"J({', '.join(fn.variables) or var}) = {fn.latex}")
raw, simple = st.columns(2)
raw.markdown("**As SymPy's `diff` first returns it**")
raw.latex(rf"\frac{{\partial J}}{{\partial {var}}} = {to_latex(fn.derivative)}")
simple.markdown("**Simplified**")
simple.latex(rf"\frac{{\partial J}}{{\partial {var}}} = {fn.derivative_latex}")

steps, problem = derivation_steps(fn.expr, fn.text, var)
with st.expander("How to get there, rule by rule"):
    if problem:
        show_problem(problem)
    show_steps(steps or [])

if len(fn.variables) > 1:
    st.subheader("Partial derivatives")
    for other in fn.variables:
        result, message = derivative_of_order(fn, fn.text, other, 1)
        if message:
            show_problem(f"∂J/∂{other}: {message}")
        else:
            st.latex(rf"\frac{{\partial J}}{{\partial {other}}} = {to_latex(result)}")

st.subheader("Higher derivatives")
orders = range(1, 11)
explain_unusable("order", "Order n", [str(n) for n in orders])
order = st.slider(
    "Order n", min_value=orders[0], max_value=orders[-1], value=2, key="order", bind="query-params"
)
result, message = derivative_of_order(fn, fn.text, var, order)
if message:
    show_problem(message)
else:
    st.latex(rf"\frac{{\partial^{{{order}}} J}}{{\partial {var}^{{{order}}}}} = {to_latex(result)}")

st.subheader("Values at several points, and the nudge")
st.caption(
    f"The lab's `dJ_dw.subs([({var}, 2)])`, at every point below, next to the arithmetic "
    f"k = {FORWARD.formula(var, 'J')} for the sidebar's ε."
)
points_text = st.text_input(
    "Points (separated by commas)", value="2, 3, -3", key="points", bind="query-params"
)
try:
    points = parse_points(points_text, var)
except ExpressionError as err:
    show_input_problem("Points", points_text, err.message, err.position)
    points = []
if len(inputs.values) < len(fn.variables) - 1:
    st.info("Give every other variable a value in the sidebar to see values at points.")
elif points:
    exact = exact_derivatives(fn, inputs.cache_key, points, inputs.values)
    rows = compare_at_points(fn.expr, var, points, inputs.eps, inputs.values, exact)
    show_table(
        [
            {
                var: point_text(row.point),
                f"J'({var}) exact": row.exact if not row.message else row.message,
                "decimal": python_repr(row.decimal) if row.decimal is not None else "—",
                f"k at ε = {python_repr(inputs.eps)}" if inputs.eps else "k": (
                    python_repr(row.k) if row.k is not None else "—"
                ),
                "|k − J'|": f"{row.error:.3g}" if row.error is not None else "—",
            }
            for row in rows
        ]
    )
