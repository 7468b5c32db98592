"""Shared caches remember failures that belong to the input, never a busy server."""

import streamlit as st

from derivcore.bounded import WorkTimeout
from ui.cache import _busy_is_not_cached, _failure


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
