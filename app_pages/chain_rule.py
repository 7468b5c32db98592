"""Chain rule: J as a computation graph, values forward, gradients backward (backprop)."""

import streamlit as st

from derivcore.autodiff import backprop
from derivcore.chain_rule import chain_rule_product
from derivcore.graph_checks import gradient_check, nudge_check
from derivcore.graph_presets import GRAPH_PRESETS
from ui.beyond import notebook_button
from ui.cache import graph_with_check
from ui.link_options import keep_in_link, requested
from ui.messages import show_problem
from ui.sidebar import current_inputs, load_example
from ui.table import show_table
from ui.theme import figure_theme
from ui.verdict import show_point_verdict, show_slope_beyond_the_chain_rule

inputs = current_inputs()
st.title("The chain rule as a computation graph")
st.caption(
    "Each box is one operation. The forward pass computes every value; the backward pass starts "
    "from ∂J/∂J = 1 and multiplies local derivatives along the edges: that is back-propagation."
)


presets = st.columns(len(GRAPH_PRESETS))
for column, preset in zip(presets, GRAPH_PRESETS, strict=True):
    column.button(
        preset.name,
        on_click=load_example,
        args=(preset.text, preset.values),
        key=f"preset:{preset.text}",
    )

fn = inputs.function
if fn is None or inputs.point is None:
    st.info("Fix the inputs in the sidebar to see the computation graph.")
    st.stop()

# Where J′ has no value at the exact point, the graph shows what happens at its float instead,
# and the verdict says so.
singular = show_point_verdict(inputs)
values = {**inputs.values, inputs.var: inputs.x if singular else inputs.point}
built, problem = graph_with_check(fn.expr, values, inputs.cache_key, str(inputs.point))
if problem:
    show_problem(problem)
    st.stop()
graph, checks = built
for note in graph.problems:
    show_problem(note)
if graph.problems and not singular:
    show_slope_beyond_the_chain_rule(inputs)

names = [node.name for node in graph.nodes]
# The node lives in the URL by its name (?node=a), kept by the page itself: a bound selectbox
# would put its long label there, and the link's node is J's, so it is read on the first run only.
label = "Pick a node to follow the chain rule to it"
requested_node = requested("node", label, names)
default_node = inputs.var if inputs.var in names else names[0]
picked = st.selectbox(
    label,
    names,
    index=names.index(requested_node or default_node),
    key="node",
    format_func=lambda name: f"{name} = {graph.node(name).label}",
    on_change=keep_in_link,
    args=("node",),
)
st.query_params["node"] = picked
st.graphviz_chart(graph.to_dot(highlight=picked, theme=figure_theme()))

node = graph.node(picked)
left, right = st.columns(2)
with left:
    st.markdown(f"**The chain rule for ∂J/∂{picked}**")
    st.latex(chain_rule_product(graph, picked).latex)
with right:
    st.markdown(f"**The lab's check: nudge {picked} by ε** (the sidebar's ε)")
    check = nudge_check(graph, picked, inputs.eps) if inputs.eps else nudge_check(graph, picked)
    st.code(
        f"{picked}      = {check.nudge.x!r}\n"
        f"J          = {check.nudge.j!r}\n"
        f"J(nudged)  = {check.nudge.j_eps!r}   (ε = {check.nudge.eps:g})\n"
        f"ΔJ/ε       = {check.nudge.k!r}\n"
        f"∂J/∂{picked:<6} = {check.grad + 0.0!r}\n"  # + 0.0: shows −0.0 as 0.0
        f"relative difference = {check.relative_difference:.1e}",
        language=None,
        wrap_lines=True,
    )

st.subheader("The gradient, and a gradient check")
if inputs.eps is not None:
    # Float forward passes only (four per variable): cheap enough for every move of ε.
    checks = gradient_check(graph, eps=inputs.eps)
ad = backprop(graph, "float64", {**inputs.values, inputs.var: inputs.x})
where = "its float" if singular else inputs.point
st.caption(
    f"The exact ∂J/∂variable is the graph's 40-digit chain rule at {inputs.var} = {where}; "
    f"float64 backprop runs the same graph in float64 at {inputs.var} = {inputs.x!r}, as a "
    "framework does. The gradient check compares the exact gradient g with the central "
    f"difference D = (J(v+ε) − J(v−ε))/2ε for ε = "
    f"{inputs.eps if inputs.eps is not None else 1e-6:g} (the sidebar's ε). The rule: it passes "
    "when |g − D| is below 1e-7 of the larger of |g| and |D|, or below E, D's own error "
    "(truncation estimated from D at ε and 2ε, rounding u·|J|/ε, doubled); the relative "
    "difference is |g − D| / max(|g|, |D|, E/1e-7). Where E is larger than the gradient, the "
    "check cannot tell it from 0 (“cannot tell: E > |g|”). Move ε to see E grow for large ε "
    "(truncation) and for tiny ε (rounding)."
)
show_table(
    [
        {
            "variable": name,
            # + 0.0 turns −0.0 into 0.0 (IEEE: −0 + 0 = +0): a sign on zero means nothing here.
            "∂J/∂variable (exact)": repr(check.gradient + 0.0),
            "float64 backprop": repr(ad.derivative(name) + 0.0),
            "central difference D": repr(check.numerical + 0.0),
            "relative difference": f"{check.relative_difference:.1e}",
            "D's own error E": f"{check.fd_error:.1e}",
            "passes": check.verdict(),
        }
        for name, check in checks.items()
    ]
)
notebook_button(inputs, "chain rule", graph=graph)
