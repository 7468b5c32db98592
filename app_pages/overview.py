"""Overview: the derivative as a formula, the lab's nudge, the curve and the error, at a glance."""

import streamlit as st

from derivcore.figures import curve_figure, error_figure
from derivcore.nudge import nudge, python_repr
from derivcore.symbolic import derivative_at
from ui.cache import error_sweep_for
from ui.sidebar import current_inputs

inputs = current_inputs()
fn, var = inputs.function, inputs.var

st.title("What is a derivative?")
st.caption(
    f"Nudge {var} by a small ε and watch J change: the ratio k = (J({var}+ε) − J({var}))/ε "
    "approaches the derivative, until floating point gets in the way."
)
if fn is None:
    st.info("Fix the function in the sidebar to see its derivative and plots.")
    st.stop()

left, middle, right = st.columns(3)
left.markdown("**The function**")
left.latex(f"J({var}) = {fn.latex}")
middle.markdown("**Its derivative (symbolic)**")
middle.latex(rf"\frac{{\partial J}}{{\partial {var}}} = {fn.derivative_latex}")
right.markdown(
    f"**Exact value at {var} = {inputs.point}**" if inputs.point is not None else "**Exact value**"
)
exact = None
if inputs.point is not None:
    exact = derivative_at(fn.expr, var, inputs.point, inputs.values)
    if exact.defined:
        right.latex(rf"J'({inputs.point}) = {exact.latex}")
    else:
        right.warning(exact.message)

if inputs.ready:
    n = nudge(fn.expr, var, inputs.x, inputs.eps, inputs.values)
    lines = [
        f"J        = J({python_repr(n.x)})       = {python_repr(n.j)}",
        f"J_epsilon = J({python_repr(n.x)} + {python_repr(n.eps)}) = {python_repr(n.j_eps)}",
        f"k = (J_epsilon - J)/ε = {python_repr(n.k)}",
    ]
    if exact is not None and exact.defined and exact.decimal is not None:
        lines.append(f"error |k - J'| = {abs(n.k - exact.decimal):.3g}")
    st.markdown("**The lab's nudge, in Python's float64**")
    st.code("\n".join(lines), language=None)

plot_left, plot_right = st.columns(2)
if inputs.point is not None:
    with plot_left:
        eps = inputs.eps if inputs.eps is not None else 1e-3
        st.plotly_chart(
            curve_figure(fn.expr, var, inputs.x, eps, values=inputs.values, compact=True),
            key="overview_curve",
        )
    with plot_right:
        sweep = error_sweep_for(
            fn, inputs.x, inputs.values, inputs.cache_key, ("forward",), ("float64",)
        )
        st.plotly_chart(
            error_figure(sweep, current_eps=inputs.eps, compact=True), key="overview_error"
        )
