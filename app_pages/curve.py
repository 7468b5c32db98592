"""Curve: J with its tangent and the secant for ε; shrink ε and watch the secant turn into the
tangent."""

import streamlit as st

from derivcore.chart_text import describe_curve_chart
from derivcore.curves import default_window, sample_curve
from derivcore.figures import curve_figure
from derivcore.method_figures import add_taylor
from derivcore.taylor import forward_truncation_text, taylor_latex
from ui.beyond import taylor_for
from ui.describe import describe_chart
from ui.messages import show_problem
from ui.sidebar import current_inputs
from ui.theme import figure_theme
from ui.verdict import show_point_verdict

inputs = current_inputs()
fn, var = inputs.function, inputs.var

st.title("The curve, its tangent and the secant")
if fn is None or inputs.point is None:
    st.info("Fix the inputs in the sidebar to see the curve.")
    st.stop()
show_point_verdict(inputs)

st.caption(
    f"The secant through ({var}, J({var})) and ({var}+ε, J({var}+ε)) has slope k. "
    "As ε shrinks it turns into the tangent, whose slope is the derivative."
)
lo_default, hi_default = default_window(fn.expr, var, inputs.x, inputs.values)
window = st.columns([1, 1, 1, 2])
# The window's widgets are keyed by the function and point so a new function starts afresh.
view = f"{fn.text}@{inputs.point}"
lo = window[0].number_input(f"{var} from", value=lo_default, key=f"lo:{view}", format="%g")
hi = window[1].number_input(f"{var} to", value=hi_default, key=f"hi:{view}", format="%g")
show_derivative = window[2].toggle(f"Show J′({var})", key="show_derivative", bind="query-params")
# A radio, not a select_slider: the slider's value label is drawn in the theme's red, which has
# 3.9:1 contrast on the dark background.
step = window[3].radio(
    "Shrink ε (secant step)",
    options=["sidebar ε", "1", "0.5", "0.2", "0.1", "0.05", "0.01", "0.001"],
    key="curve_eps",
    bind="query-params",
    horizontal=True,
    help="Pick a step to see the secant for it; 'sidebar ε' uses the ε in the sidebar.",
)
eps = inputs.eps if step == "sidebar ε" else float(step)

if not lo < hi:
    st.warning(f"The window needs '{var} from' smaller than '{var} to'; showing the default.")
    lo, hi = lo_default, hi_default
if eps is None:
    st.warning("The sidebar's ε can't be read, so the secant uses ε = 0.1.")
    eps = 0.1

order_choice = st.radio(  # a radio for the same contrast reason as the step's
    "Taylor polynomial of order",
    options=["off", "1", "2", "3", "4"],
    horizontal=True,
    key="taylor_order",
    bind="query-params",
    help="J near the point as a polynomial: order 1 is the tangent; the shaded band is the "
    "remainder J − Tₙ, which shrinks like (w − w₀)ⁿ⁺¹ near the point.",
)
figure = curve_figure(
    fn.expr,
    var,
    inputs.x,
    eps,
    lo,
    hi,
    show_derivative=show_derivative,
    values=inputs.values,
    theme=figure_theme(),
)
taylor_order = None if order_choice == "off" else int(order_choice)
expansion, problem = taylor_for(inputs) if taylor_order else (None, None)
if problem:
    show_problem(problem)
if expansion is not None:
    samples = sample_curve(fn.expr, var, lo, hi, values=inputs.values)
    add_taylor(figure, expansion, taylor_order, samples.x, samples.y, var)
st.plotly_chart(figure, key="curve_plot")
describe_chart(describe_curve_chart(fn.expr, var, inputs.x, eps, lo, hi, inputs.values), "curve")
if expansion is not None:
    if expansion.missing and taylor_order > expansion.highest_order:
        show_problem(expansion.missing)
    else:
        st.latex(taylor_latex(expansion, taylor_order, var))
    st.markdown(forward_truncation_text(expansion, eps))
