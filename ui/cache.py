"""Caches shared by all sessions: symbolic work happens once per function text, for everyone.

Each cached function returns (result, None) or (None, message). A failure that belongs to the
input (a refused text, work that overran its 2 s) is cached too, so it costs its 2 s once, not on
every rerun; a busy server belongs to the moment, so `_busy_is_not_cached` keeps it out.
"""

import functools
import time

import streamlit as st

from derivcore.answers import AnswerCheck, check_answer
from derivcore.bounded import WorkTimeout, default_timeout, run_bounded
from derivcore.expressions import ExpressionError
from derivcore.graph import computation_graph
from derivcore.graph_checks import gradient_check
from derivcore.point_values import PointValue, derivative_at
from derivcore.prepared import PreparedFunction, differentiate, prepare
from derivcore.steps import derivative_steps
from derivcore.sweep import (
    ErrorSweep,
    complete_error_sweep,
    default_eps_grid,
    error_sweep,
)

# Longer texts are parsed again on each run, so that the cache below holds at most ~1024 short keys.
_PARSED_TEXT_MAX = 200


@functools.lru_cache(maxsize=1024)
def _parsed(reader, text: str, args: tuple):
    value = reader(text, *args)
    return tuple(value) if isinstance(value, list) else value  # shared: keep it immutable


def parsed_input(reader, text: str, *args):
    """`reader(text, *args)` for a sidebar input (variables_of, parse_point, parse_step): every
    rerun reads every input, so each text is parsed once for all sessions. Raises what the
    reader raises (a refused text is parsed again next time: rare, and bounded by the parser)."""
    if len(text) > _PARSED_TEXT_MAX:
        return reader(text, *args)
    value = _parsed(reader, text, args)
    return list(value) if isinstance(value, tuple) else value


def _failure(err: Exception) -> tuple[None, str]:
    """(None, the message) for a failure worth caching; a busy server is raised instead."""
    if isinstance(err, WorkTimeout) and err.busy:
        raise err
    if isinstance(err, (ExpressionError, WorkTimeout, ValueError)):
        return None, getattr(err, "message", str(err))
    # Anything else a worker can end with (a crash, the memory cap, a RecursionError deep in
    # SymPy) belongs to this input too: a sentence, never a traceback.
    return None, (
        "This could not be computed: the computation failed "
        f"({type(err).__name__}). Try a simpler function or another point."
    )


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
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def derivative_of_order(_function: PreparedFunction, text: str, var: str, order: int):
    """The simplified derivative of that order, cached per (text, var, order)."""
    try:
        return differentiate(_function.expr, var, order)[1], None
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=256, show_spinner=False)
def derivation_steps(_expr, text: str, var: str):
    """The derivation step by step, under the time bound."""
    try:
        return run_bounded(derivative_steps, _expr, var), None
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=128, show_spinner=False)
def graph_with_check(_expr, _values: dict, key: tuple, point: str):
    """(graph, gradient checks) under the time bound; `key` and `point` identify `_expr` and
    `_values` for the cache."""
    try:
        graph = run_bounded(computation_graph, _expr, _values)
        return (graph, run_bounded(gradient_check, graph)), None
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)


def checked_answer(expr, answer: str, var: str, domain) -> tuple[AnswerCheck | None, str | None]:
    """The check of the student's answer (its phases are bounded inside `check_answer`; not
    cached: answers vary)."""
    try:
        return check_answer(expr, answer, var, domain), None
    except WorkTimeout as err:
        return None, err.message
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)


@_busy_is_not_cached
@st.cache_resource(max_entries=128, show_spinner=False)
def error_sweep_for(
    _function: PreparedFunction,
    x: float,
    _values: dict,
    key: tuple,
    schemes: tuple[str, ...],
    dtypes: tuple[str, ...],
    step_trick: bool = False,
) -> tuple[ErrorSweep | None, str | None]:
    """The sweep over the standard ε grid at x, computed completely in a bounded worker (its
    mpmath work grows with what the student typed). `key` (Inputs.cache_key) identifies the
    function and the other variables' values; ε is not part of it: moving ε only moves a marker.

    When the worker overruns or fails, the float arithmetic (bounded by the size of J) is done
    here and J′ is marked as not computed, with the reason; that outcome is cached like any other.
    """
    arguments = (
        _function.expr,
        _function.var,
        x,
        default_eps_grid(),
        schemes,
        dtypes,
        step_trick,
        _values or None,
    )
    try:
        return run_bounded(complete_error_sweep, *arguments), None
    except WorkTimeout as err:
        if err.busy:
            raise
        reason = (
            f"J′ could not be computed to 50 digits within {default_timeout():g} s (a value inside "
            "J is too hard to evaluate precisely)"
        )
    except ValueError as err:
        return _failure(err)
    except Exception as err:  # noqa: BLE001 - a crash, the memory cap, a bug: say so, show the rest
        died = isinstance(err.__cause__, (EOFError, ConnectionError))  # see derivcore.bounded
        ended = "its worker process ended" if died else type(err).__name__
        reason = f"the high-precision computation of J′ failed ({ended})"
    try:
        return error_sweep(*arguments).without_reference(reason), None
    except ValueError as err:
        return _failure(err)


def exact_derivative(
    function: PreparedFunction, key: tuple, point: str, exact_point, values: dict
) -> PointValue:
    """J'(point) exactly, as the lab's `subs` gives it (bounded inside derivative_at); `key` and
    `point` (the exact point as text) identify the function, values and point for the cache.
    A busy server gives a not-defined value with its message, not cached."""
    value, message = _exact_derivative(function, key, point, exact_point, values)
    if value is None:
        return PointValue(False, None, None, message, r"\text{not computed}")
    return value


def exact_derivatives(
    function: PreparedFunction, key: tuple, points: list, values: dict
) -> list[PointValue]:
    """J'(point) exactly at each of `points` (the derivative page's table), as `exact_derivative`.

    Each point has its own time limit, and a table may hold 20 points: 20 slow points would keep
    the page busy for 40 s. So points are started only while the table has used less than one
    limit; the rest say so, and come from the cache when the page runs again."""
    budget = default_timeout()
    deadline = time.monotonic() + budget
    results = []
    for point in points:
        if time.monotonic() >= deadline:
            results.append(
                PointValue(
                    False,
                    None,
                    None,
                    f"Not computed yet: the points above used this table's {budget:g} s. "
                    "Change anything to continue, or ask for fewer points.",
                    r"\text{not computed yet}",
                )
            )
        else:
            results.append(exact_derivative(function, key, str(point), point, values))
    return results


@_busy_is_not_cached
@st.cache_resource(max_entries=512, show_spinner=False)
def _exact_derivative(
    _function: PreparedFunction, key: tuple, point: str, _point, _values: dict
) -> tuple[PointValue | None, str | None]:
    try:
        return derivative_at(_function.expr, _function.var, _point, _values or None), None
    except Exception as err:  # noqa: BLE001 - every failure becomes a message (see _failure)
        return _failure(err)
