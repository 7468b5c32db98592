"""Overview: the derivative as a formula, the lab's nudge, the curve and the error, at a glance."""

import streamlit as st

from derivcore.autodiff import accuracy, backprop
from derivcore.chart_text import describe_curve_chart, describe_error_chart
from derivcore.error_figure import error_figure
from derivcore.figures import curve_figure
from derivcore.nudge import nudge
from derivcore.number_format import python_repr
from derivcore.schemes import FORWARD
from derivcore.symbolic import to_latex
from ui.beyond import notebook_button
from ui.cache import error_sweep_for, exact_derivative, graph_with_check
from ui.describe import describe_chart
from ui.formula import show_formula
from ui.messages import show_problem
from ui.printout import show_printout
from ui.sidebar import current_inputs
from ui.theme import figure_theme
from ui.verdict import show_point_verdict

inputs = current_inputs()
fn, var = inputs.function, inputs.var

st.header("What is a derivative?")
st.caption(
    f"Nudge {var} by a small ε and watch J change: the ratio k = {FORWARD.formula(var, 'J')} "
    "approaches the derivative, until floating point gets in the way."
)
if fn is None:
    st.info("Fix the function in the sidebar to see its derivative and plots.")
    st.stop()

formulas, arithmetic = st.columns([2, 3])
exact = None
with formulas:
    st.markdown("**Symbolically** (SymPy's `diff`, then `subs`)")
    show_formula(f"J({var})", fn.latex, f"J({var})")
    show_formula(rf"\frac{{\partial J}}{{\partial {var}}}", fn.derivative_latex, f"dJ/d{var}")
    if inputs.point is not None:
        exact = exact_derivative(
            fn, inputs.cache_key, str(inputs.point), inputs.point, inputs.values
        )
        if exact.defined:
            show_formula(rf"J'({to_latex(inputs.point)})", exact.latex, "J′ at the point")
        else:
            show_point_verdict(inputs)

with arithmetic:
    st.markdown("**Arithmetically** (the lab's nudge, in Python's float64)")
    if inputs.ready:
        n = nudge(fn.expr, var, inputs.x, inputs.eps, inputs.values)
        x, eps = python_repr(n.x), python_repr(n.eps)
        lines = [
            f"J({x}) = {python_repr(n.j)}",
            f"J({x} + {eps}) = {python_repr(n.j_eps)}",
            f"k = (J({x} + {eps}) - J({x})) / {eps} = {python_repr(n.k)}",
        ]
        # The float methods are judged at the float point they use, x, by J′ there (the
        # graph's 40-digit backward pass at x): at π/2, J′(1.5707963267948966) = 6.1e-17, not 0.
        built, problem = graph_with_check(
            fn.expr, {**inputs.values, var: inputs.x}, inputs.cache_key, f"float {inputs.x!r}"
        )
        graph = built[0] if built else None
        # J′ = 0 where J does not use var (w − w): the graph then has no node for it.
        slope = graph.gradient().get(var, 0.0) if graph is not None and not graph.problems else None
        if slope is not None:
            lines.append(f"|k - J'({x})| = {n.error(slope):.3g}   (J′ at this float)")
        elif exact is not None and exact.defined and exact.decimal is not None:
            lines.append(f"|k - J'({inputs.point})| = {n.error(exact.decimal):.3g}")
        show_printout(lines)
        st.markdown("**Automatically** (backprop through J's computation graph, in float64)")
        if slope is None:
            show_problem(f"No backprop here: {problem or graph.problems[0]}", "info")
        else:
            ad = backprop(graph, "float64", {**inputs.values, var: inputs.x})
            ad_lines = [
                f"dJ/d{var} = {python_repr(ad.derivative(var))}   (no ε)",
                f"|backprop - J'({x})| = {ad.error(var, slope):.3g}   (J′ at this float)",
                *filter(None, [accuracy(graph, ad, var, slope)]),
            ]
            show_printout(ad_lines)
    else:
        st.info("Fix the point and ε in the sidebar to see the nudge.")

plot_left, plot_right = st.columns(2)
theme = figure_theme()
if inputs.point is not None:
    with plot_left:
        eps = inputs.eps if inputs.eps is not None else 1e-3
        st.plotly_chart(
            curve_figure(
                fn.expr, var, inputs.x, eps, values=inputs.values, compact=True, theme=theme
            ),
            key="overview_curve",
        )
        describe_chart(
            describe_curve_chart(fn.expr, var, inputs.x, eps, values=inputs.values), "curve"
        )
    with plot_right:
        sweep, problem = error_sweep_for(
            fn, inputs.x, inputs.values, inputs.cache_key, ("forward",), ("float64",)
        )
        if sweep is None:
            show_problem(problem)
        else:
            st.plotly_chart(
                error_figure(sweep, current_eps=inputs.eps, compact=True, theme=theme),
                key="overview_error",
            )
            describe_chart(describe_error_chart(sweep), "error")
notebook_button(inputs, "overview")
