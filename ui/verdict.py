"""The one verdict about the typed point, shown the same way on every page that computes there."""

import streamlit as st

from derivcore.bounded import run_bounded
from derivcore.verdict import singular_point_note
from ui.cache import exact_derivative
from ui.messages import plain
from ui.sidebar import Inputs


@st.cache_resource(max_entries=256, show_spinner=False)
def _note(_value, _point, key: tuple, point: str, x: float, var: str) -> str | None:
    try:  # the gap between the point and its float: SymPy evaluation of what was typed
        return run_bounded(singular_point_note, _value, var, _point, x)
    except Exception:  # noqa: BLE001 - without the gap the reason alone is still true
        return _value.message


def show_point_verdict(inputs: Inputs) -> bool:
    """Warn when J′ has no value at the exact point typed (not defined, not differentiable, or
    not computable), naming the float the page's numbers come from; True when it has none."""
    if inputs.function is None or inputs.point is None:
        return False
    value = exact_derivative(
        inputs.function, inputs.cache_key, str(inputs.point), inputs.point, inputs.values
    )
    if value.defined:
        return False
    note = _note(value, inputs.point, inputs.cache_key, str(inputs.point), inputs.x, inputs.var)
    st.warning(plain(note), icon=":material/warning:")
    return True
