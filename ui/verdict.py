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


def show_slope_beyond_the_chain_rule(inputs: Inputs) -> None:
    """Where a node of the graph has no derivative at the point but J has one (w·|w| at 0: |w| has
    none, J′(0) = 0), say so: the chain rule's "undefined" is about the pieces, not about J."""
    value = exact_derivative(
        inputs.function, inputs.cache_key, str(inputs.point), inputs.point, inputs.values
    )
    if value.defined and value.decimal is not None:
        st.info(
            plain(
                f"J itself has a slope here: J′ = {value.decimal + 0.0!r} at {inputs.var} = "
                f"{inputs.x!r} (its slopes from the left and from the right agree). The chain "
                "rule cannot reach it through a piece that has no derivative at this point, and "
                "neither can backprop, unless it picks a value for the missing derivative (as "
                "machine-learning frameworks do)."
            ),
            icon=":material/info:",
        )
