"""Caches shared by all sessions: symbolic work happens once per function text, for everyone."""

import streamlit as st

from derivcore.bounded import WorkTimeout
from derivcore.error_sweep import ErrorSweep, default_eps_grid, error_sweep
from derivcore.expressions import ExpressionError
from derivcore.prepared import PreparedFunction, differentiate, prepare


@st.cache_resource(max_entries=256, show_spinner=False)
def prepared_function(text: str, var: str) -> tuple[PreparedFunction | None, str | None]:
    """(prepared J, None), or (None, message). Failures are cached too, so a function that times
    out costs its 2 s once, not on every rerun."""
    try:
        return prepare(text, var), None
    except (ExpressionError, WorkTimeout, ValueError) as err:
        return None, getattr(err, "message", str(err))


@st.cache_resource(max_entries=128, show_spinner=False)
def error_sweep_for(
    _function: PreparedFunction,
    x: float,
    _values: dict,
    key: tuple,
    schemes: tuple[str, ...],
    dtypes: tuple[str, ...],
    step_trick: bool = False,
) -> ErrorSweep:
    """The sweep over the standard ε grid at x. `key` (Inputs.cache_key) identifies the function
    and the other variables' values; ε is not part of it: moving ε only moves a marker."""
    return error_sweep(
        _function.expr, _function.var, x, default_eps_grid(), schemes, dtypes, step_trick,
        _values or None,
    )


@st.cache_resource(max_entries=256, show_spinner=False)
def derivative_of_order(
    _function: PreparedFunction, text: str, var: str, order: int
) -> tuple[object | None, str | None]:
    """(the simplified derivative, None) or (None, message), cached per (text, var, order)."""
    try:
        return differentiate(_function.expr, var, order)[1], None
    except (WorkTimeout, ValueError) as err:
        return None, getattr(err, "message", str(err))
