"""Caches shared by all sessions: symbolic work happens once per function text, for everyone.

Each cached function returns (result, None) or (None, message). A failure that belongs to the
input (a refused text, work that overran its 2 s) is cached too, so it costs its 2 s once, not on
every rerun; a busy server belongs to the moment, so `_busy_is_not_cached` keeps it out.
"""

import functools

import streamlit as st

from derivcore.answers import AnswerCheck, check_answer
from derivcore.bounded import WorkTimeout, run_bounded
from derivcore.error_sweep import ErrorSweep, default_eps_grid, error_sweep
from derivcore.expressions import ExpressionError
from derivcore.graph import computation_graph, gradient_check
from derivcore.prepared import PreparedFunction, differentiate, prepare
from derivcore.steps import derivative_steps
from derivcore.symbolic import PointValue, derivative_at


def _failure(err: Exception) -> tuple[None, str]:
    """(None, the message) for a failure worth caching; a busy server is raised instead."""
    if isinstance(err, WorkTimeout) and err.busy:
        raise err
    return None, getattr(err, "message", str(err))


def _busy_is_not_cached(cached):
    """Call `cached`; a busy server's WorkTimeout (raised by `_failure`) becomes (None, message)."""

    @functools.wraps(cached)
    def call(*args, **kwargs):
        try:
            return cached(*args, **kwargs)
        except WorkTimeout as err:
            return None, err.message

    return call


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def prepared_function(text: str, var: str) -> tuple[PreparedFunction | None, str | None]:
    """J parsed and differentiated by `var`."""
    try:
        return prepare(text, var), None
    except (ExpressionError, WorkTimeout, ValueError) as err:
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def derivative_of_order(_function: PreparedFunction, text: str, var: str, order: int):
    """The simplified derivative of that order, cached per (text, var, order)."""
    try:
        return differentiate(_function.expr, var, order)[1], None
    except (WorkTimeout, ValueError) as err:
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def derivation_steps(_expr, text: str, var: str):
    """The derivation step by step, under the time bound."""
    try:
        return run_bounded(derivative_steps, _expr, var), None
    except (WorkTimeout, ValueError) as err:
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=128, show_spinner=False)
def graph_with_check(_expr, _values: dict, key: tuple, point: str):
    """(graph, gradient checks) under the time bound; `key` and `point` identify `_expr` and
    `_values` for the cache."""
    try:
        graph = run_bounded(computation_graph, _expr, _values)
        return (graph, run_bounded(gradient_check, graph)), None
    except (WorkTimeout, ValueError) as err:
        return _failure(err)


def checked_answer(expr, answer: str, var: str, domain) -> tuple[AnswerCheck | None, str | None]:
    """The check of the student's answer, under the time bound (not cached: answers vary)."""
    try:
        return run_bounded(check_answer, expr, answer, var, domain), None
    except WorkTimeout as err:
        return None, err.message


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
        _function.expr,
        _function.var,
        x,
        default_eps_grid(),
        schemes,
        dtypes,
        step_trick,
        _values or None,
    )


@st.cache_resource(max_entries=512, show_spinner=False)
def exact_derivative(
    _function: PreparedFunction, key: tuple, point: str, _point, _values: dict
) -> PointValue:
    """J'(point) exactly, as the lab's `subs` gives it (bounded inside derivative_at); `key` and
    `point` (the exact point as text) identify the function, values and point for the cache."""
    return derivative_at(_function.expr, _function.var, _point, _values or None)
