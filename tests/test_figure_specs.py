"""Every chart the pages draw is one that plotly's own validation accepts unchanged.

derivcore.figures builds figures without plotly's per-property validation (it cost half of a
figure's build time on every rerun). A misspelt property or a bad value would then reach the
browser, where plotly.js silently ignores it: a chart without its marker or its axis title. So the
spec each page sends is rebuilt here with validation on, which raises on anything invalid, and
must come out the same.
"""

import json

import plotly.graph_objects as go
import pytest

from tests.pages import open_page


def _without_empty(value):
    """The spec with empty lists and dicts dropped (validation leaves out empty shapes etc.)."""
    if isinstance(value, dict):
        kept = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def _charts(at) -> list[dict]:
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert charts, "the page drew no chart"
    return charts


def _assert_valid(spec: dict) -> None:
    validated = json.loads(go.Figure(spec).to_json())  # raises ValueError on an invalid property
    assert _without_empty(validated) == _without_empty(spec)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"f": "sqrt(w)", "at": "0", "eps": "1e-3"},  # a one-sided J: notes on both charts
        {"f": "1/w^2", "at": "4", "eps": "1e-12", "present": "true"},
    ],
)
def test_overview_charts_pass_plotly_validation(query):
    for spec in _charts(open_page("overview", **query)):
        _assert_valid(spec)


def test_error_chart_with_every_layer_passes_plotly_validation():
    at = open_page("error", f="sin(w)/w", at="2", eps="1e-6")
    at.multiselect(key="schemes").set_value(["forward", "central", "complex_step"])
    at.multiselect(key="dtypes").set_value(["float64", "float32", "float16"])
    at.toggle(key="show_exact").set_value(True)
    at.multiselect(key="beyond").set_value(["autodiff", "richardson", "auto_step"]).run()
    assert not at.exception
    for spec in _charts(at):
        _assert_valid(spec)
    at.radio(key="error_kind").set_value("rel").run()
    for spec in _charts(at):
        _assert_valid(spec)


def test_curve_chart_with_derivative_and_taylor_passes_plotly_validation():
    at = open_page("curve", f="exp(w)*sin(w)", at="1", eps="0.1")
    at.toggle(key="show_derivative").set_value(True)
    at.radio(key="taylor_order").set_value("3").run()
    assert not at.exception
    for spec in _charts(at):
        _assert_valid(spec)
