"""Error vs ε: why shrinking ε helps, then hurts. The V of truncation and rounding error."""

import streamlit as st

from derivcore.best_eps_table import best_eps_table
from derivcore.beyond_v import BEYOND_LABELS, BEYOND_METHODS, explanation, tableau_rows
from derivcore.chart_text import describe_error_chart
from derivcore.error_figure import error_figure
from derivcore.explain import error_explanation
from derivcore.method_figures import add_beyond_the_v
from derivcore.numeric import DTYPES
from derivcore.schemes import SCHEME_LABELS, SCHEMES
from derivcore.sweep_csv import sweep_to_csv
from ui.beyond import beyond_for, notebook_button
from ui.cache import error_sweep_for
from ui.describe import describe_chart
from ui.link_options import explain_unusable, is_boolean
from ui.messages import show_problem
from ui.sidebar import current_inputs
from ui.table import show_table
from ui.theme import figure_theme, presenting
from ui.verdict import show_point_verdict

inputs = current_inputs()
fn, var = inputs.function, inputs.var

st.title("Error of the nudge against ε")
if fn is None or inputs.point is None:
    st.info("Fix the inputs in the sidebar to see the error plot.")
    st.stop()
show_point_verdict(inputs)

# The options beside the plot (above it on a phone): on a 1280×720 projector the whole plot
# then fits below the title instead of starting under four rows of options. In presentation
# type they would not fit beside it: they fold away above it, the class sees the plot.
if presenting():
    options, plot_area = st.expander("Options", icon=":material/tune:"), st.container()
else:
    options, plot_area = st.columns([2, 5])
with options:
    explain_unusable("schemes", "Schemes", SCHEME_LABELS.values())
    schemes = st.multiselect(
        "Schemes",
        SCHEMES,
        default=["forward"],
        format_func=SCHEME_LABELS.get,
        key="schemes",
        bind="query-params",
    )
    explain_unusable("dtypes", "Precisions", DTYPES)
    dtypes = st.multiselect(
        "Precisions", DTYPES, default=["float64"], key="dtypes", bind="query-params"
    )
    kinds = {"abs": "absolute error", "rel": "relative error"}
    explain_unusable("error_kind", "Show", kinds.values())
    kind = st.radio(
        "Show", list(kinds), key="error_kind", bind="query-params", format_func=kinds.get
    )
    toggles = {}
    for key, label, default in (
        ("show_model", "Error model (dashed)", True),
        ("show_exact", "Exact arithmetic (no floating point)", False),
        ("step_trick", "Step trick h′ = (w + h) − w", False),
    ):
        explain_unusable(key, label, is_boolean)
        toggles[key] = st.toggle(label, value=default, key=key, bind="query-params")
    explain_unusable("beyond", "Beyond the V", BEYOND_LABELS.values())
    beyond_methods = st.multiselect(
        "Beyond the V: how real tools get derivatives right",
        BEYOND_METHODS,
        key="beyond",
        bind="query-params",
        format_func=BEYOND_LABELS.get,
        placeholder="autodiff, Richardson, auto step",
    )
show_model, show_exact, step_trick = toggles.values()

if not schemes or not dtypes:
    plot_area.info("Pick at least one scheme and one precision.")
    st.stop()

sweep, problem = error_sweep_for(
    fn, inputs.x, inputs.values, inputs.cache_key, tuple(schemes), tuple(dtypes), step_trick
)
if sweep is None:
    with plot_area:
        show_problem(problem)
    st.stop()
theme = figure_theme()
figure = error_figure(
    sweep, inputs.eps, kind=kind, show_model=show_model, show_exact=show_exact, theme=theme
)
beyond = beyond_for(sweep, inputs, tuple(beyond_methods), kind) if beyond_methods else None
if beyond:
    add_beyond_the_v(figure, beyond, sweep.eps, theme)
with plot_area:
    st.plotly_chart(figure, key="error_plot")
    describe_chart(describe_error_chart(sweep, kind), "error")
    for note in beyond.notes if beyond else ():
        show_problem(note, "info")
    for scheme in schemes:
        for dtype in dtypes:
            for note in (
                sweep.not_applicable(scheme, dtype),
                sweep.nan_reason(scheme, dtype),
                sweep.misleading_k_reason(scheme, dtype),
            ):
                if note:
                    show_problem(f"{SCHEME_LABELS[scheme]}, {dtype}: {note}", "info")

st.subheader("Best ε, measured and predicted")
rows, notes = best_eps_table(sweep, var)
show_table(rows)
for note in notes:
    st.caption(note)

if beyond:
    st.subheader("Beyond the V")
    st.markdown(explanation(beyond, tuple(beyond_methods)))
    if "richardson_tableau" in beyond_methods and inputs.eps and "float64" in dtypes:
        st.caption(f"Richardson's tableau at ε = {inputs.eps:g} (float64)")
        reference = sweep.reference("float64")
        rows = tableau_rows(fn.expr, var, inputs.x, inputs.eps, reference, inputs.values or None)
        show_table(rows)

st.subheader("Why a V?")
st.markdown(error_explanation(sweep, inputs.eps))

st.download_button(
    "Download the sweep as CSV",
    data=lambda: sweep_to_csv(sweep),  # written when clicked, not on every rerun
    file_name="error_sweep.csv",
    mime="text/csv",
    key="download_csv",
)
notebook_button(inputs, "error", schemes)
