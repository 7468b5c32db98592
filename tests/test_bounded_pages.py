"""Inputs that pass the parser but make SymPy work hard: the student gets a message within the
time limit (2 s) plus a small margin, the rest of the page still shows, and the app keeps
serving."""

import time

import pytest
from pages import open_page

from derivcore.bounded import default_timeout

MARGIN = 2.0  # seconds for the script run itself and a busy shared machine


@pytest.mark.parametrize(
    "f", ["tan(tan(tan(tan(w))))", "1/(1 + exp(-w^3*sin(w)))", "exp(sin(w)^2)*tan(cos(w^3))"]
)
def test_a_tenth_derivative_too_hard_to_compute_is_stopped_in_time(f):
    at = open_page("derivative", f=f)
    start = time.monotonic()
    at.slider(key="order").set_value(10).run()
    elapsed = time.monotonic() - start
    assert not at.exception
    assert elapsed < default_timeout() + MARGIN, elapsed
    assert any("took longer than 2 s" in w.value for w in at.warning)
    # The first derivative and the rest of the page are still there.
    assert any(r"\frac{\partial J}{\partial w}" in latex.value for latex in at.latex)
    assert at.dataframe


def test_the_app_keeps_serving_after_a_timeout():
    open_page("derivative", f="tan(tan(tan(tan(w))))").slider(key="order").set_value(10).run()
    at = open_page("derivative", f="w^3")
    assert any("3 w^{2}" in latex.value for latex in at.latex)


def test_a_table_of_slow_points_stops_starting_points_after_one_limit(monkeypatch):
    # Each point has its own 2 s limit, and the table takes 20 points: slow points one after the
    # other would hold the page for 20 × 2 s. Here each exact J′ takes 0.5 s.
    import ui.cache

    real = ui.cache.derivative_at

    def slow_derivative_at(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.cache, "derivative_at", slow_derivative_at)
    start = time.monotonic()
    at = open_page("derivative", f="w^3", points="1, 2, 3, 4, 5, 6, 7, 8, 9, 10")
    assert time.monotonic() - start < default_timeout() + 0.5 + MARGIN + 3  # + the page's own work
    exact = list(at.dataframe[0].value["J'(w) exact"])
    done = [value for value in exact if not value.startswith("Not computed yet")]
    assert 2 <= len(done) < 10
    assert exact[len(done)] == (
        "Not computed yet: the points above used this table's 2 s. "
        "Change anything to continue, or ask for fewer points."
    )
    # Each rerun continues where the last stopped (computed points come from the cache).
    for eps in ("0.01", "0.001", "0.1", "1e-5"):
        at.text_input(key="eps").set_value(eps).run()
    exact = list(at.dataframe[0].value["J'(w) exact"])
    assert exact == [str(3 * p**2) for p in range(1, 11)]  # J′ = 3w², by hand
