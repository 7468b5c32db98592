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
