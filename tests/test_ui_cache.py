"""Shared caches remember failures that belong to the input, never a busy server."""


import bounded_targets as targets
import streamlit as st
import sympy

from derivcore.bounded import WorkTimeout
from derivcore.prepared import prepare
from ui.cache import _busy_is_not_cached, _failure, exact_derivative


def counting_cached(outcomes):
    calls = []

    @_busy_is_not_cached
    @st.cache_resource(max_entries=8, show_spinner=False)
    def work(text: str):
        calls.append(text)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            return _failure(outcome)
        return outcome, None

    return work, calls


def test_a_busy_server_is_tried_again_on_the_next_run():
    work, calls = counting_cached([WorkTimeout("The server is busy.", busy=True), "2 w"])
    assert work("w^2") == (None, "The server is busy.")
    assert work("w^2") == ("2 w", None)
    assert work("w^2") == ("2 w", None)
    assert calls == ["w^2", "w^2"]


def test_work_that_overran_its_limit_is_remembered():
    work, calls = counting_cached([WorkTimeout("This took longer than 2 s.")])
    assert work("tan(tan(w))") == (None, "This took longer than 2 s.")
    assert work("tan(tan(w))") == (None, "This took longer than 2 s.")
    assert calls == ["tan(tan(w))"]


def test_exact_derivative_during_a_busy_spell_then_the_value(clear_streamlit_caches, monkeypatch):
    """w² at 3 while every worker is taken: "busy", not cached; once a worker is free: 6."""
    monkeypatch.setenv("DERIV_TIMEOUT", "0.5")
    function = prepare("w^2")
    point = sympy.Integer(3)

    def exact():
        return exact_derivative(function, ("w^2", "w", ()), "3", point, {})

    with targets.every_worker_busy(3.0):
        during = exact()
    assert not during.defined and "busy" in during.message
    after = exact()
    assert after.defined and after.exact == 6  # d/dw w² = 2w, at 3: 6
