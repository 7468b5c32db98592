"""Caches for the methods beyond the nudge (automatic differentiation, Richardson, the automatic
step, Taylor): computed once per function, point and choice, shared by all sessions."""

import streamlit as st

from derivcore.beyond_v import BeyondTheV, beyond_the_v
from derivcore.bounded import WorkTimeout
from derivcore.notebook import lab_notebook
from derivcore.sweep import ErrorSweep
from derivcore.taylor import TaylorExpansion, taylor_expansion
from ui.cache import _busy_is_not_cached, _failure, graph_with_check
from ui.messages import show_problem
from ui.sidebar import Inputs


@st.cache_resource(max_entries=128, show_spinner=False)
def _beyond(
    _sweep: ErrorSweep, _inputs: Inputs, key: tuple, x: float, sweep_key: tuple, methods, kind
) -> BeyondTheV:
    graph, problem = None, None
    # The graph also tells the automatic step how much J's own formula rounds.
    if "autodiff" in methods or "auto_step" in methods:
        # At the float x the sweep and backprop use, not the exact point: tan at π/2 is
        # undefined, at its float 1.5707963267948966 it is 1.6e16 and backprop has a value.
        values = {**_inputs.values, _inputs.var: _inputs.x}
        built, problem = graph_with_check(
            _inputs.function.expr, values, _inputs.cache_key, f"float {_inputs.x!r}"
        )
        graph = built[0] if built else None
    return beyond_the_v(_sweep, tuple(methods), kind, _inputs.values or None, graph, problem)


def beyond_for(sweep: ErrorSweep, inputs: Inputs, methods: tuple[str, ...], kind: str):
    """The chosen methods' errors on the sweep's ε grid and dtypes (see derivcore.beyond_v);
    None, with a message on the page, where they cannot be computed (the rest still shows)."""
    sweep_key = (sweep.dtypes, sweep.step_trick, str(inputs.point))
    try:
        return _beyond(sweep, inputs, inputs.cache_key, inputs.x, sweep_key, methods, kind)
    except Exception as err:  # noqa: BLE001 - a sentence, never a traceback
        show_problem(f"The methods beyond the nudge could not be computed here: {_failure(err)[1]}")
        return None


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def _taylor(_inputs: Inputs, key: tuple, point: str):
    try:
        fn = _inputs.function
        return taylor_expansion(fn.expr, fn.var, _inputs.point, _inputs.values or None), None
    except (WorkTimeout, ValueError) as err:
        return _failure(err)


def taylor_for(inputs: Inputs) -> tuple[TaylorExpansion | None, str | None]:
    """J's Taylor coefficients at the point up to order 4, or the message why not."""
    return _taylor(inputs, inputs.cache_key, str(inputs.point))


def notebook_button(inputs: Inputs, page: str, schemes=("forward",), graph=None) -> None:
    """'Download as notebook': the current view as a lab-style .ipynb (derivcore.notebook)."""
    if not inputs.ready:
        return
    def notebook() -> str:
        return lab_notebook(
            inputs.function.expr,
            inputs.var,
            inputs.point,
            inputs.eps,
            inputs.values,
            page,
            tuple(schemes),
            graph,
        )

    st.download_button(
        "Download as a Jupyter notebook",
        # Built when clicked, not on every rerun (building and validating it cost ~7%).
        data=notebook,
        file_name=f"derivative_{page.replace(' ', '_')}.ipynb",
        mime="application/x-ipynb+json",
        icon=":material/download:",
        key=f"download_notebook_{page}",
        help="The same J, point and ε in the course lab's style: the nudge, SymPy's diff and "
        "subs, and the error against ε as a short NumPy loop with a plot.",
    )
