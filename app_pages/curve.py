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
from ui.link_options import explain_unusable, is_boolean, is_finite_number
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
# The window lives in the URL (x_from, x_to) only when the student moved it: empty boxes mean
# the default window, shown as their placeholders. A new function or point starts afresh.
view = f"{fn.text}@{inputs.point}"
if st.session_state.setdefault("window_view", view) != view:
    st.session_state.update(window_view=view, x_from=None, x_to=None)
bounds = []
for column, key, label, default in (
    (window[0], "x_from", f"{var} from", lo_default),
    (window[1], "x_to", f"{var} to", hi_default),
):
    explain_unusable(key, label, is_finite_number)
    typed = column.number_input(
        label, value=None, key=key, bind="query-params", format="%g", placeholder=f"{default:g}"
    )
    bounds.append(default if typed is None else typed)
lo, hi = bounds
explain_unusable("show_derivative", f"Show J′({var})", is_boolean)
show_derivative = window[2].toggle(f"Show J′({var})", key="show_derivative", bind="query-params")
# A radio, not a select_slider: the slider's value label is drawn in the theme's red, which has
# 3.9:1 contrast on the dark background.
steps = ["sidebar ε", "1", "0.5", "0.2", "0.1", "0.05", "0.01", "0.001"]
explain_unusable("curve_eps", "Shrink ε", steps)
step = window[3].radio(
    "Shrink ε (secant step)",
    options=steps,
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

orders = ["off", "1", "2", "3", "4"]
explain_unusable("taylor_order", "Taylor polynomial of order", orders)
order_choice = st.radio(  # a radio for the same contrast reason as the step's
    "Taylor polynomial of order",
    options=orders,
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
