"""One verdict about the typed point on every page: where J′ has no value at the exact point,
each page that computes there says so, and labels its numbers as floating point's."""

import pytest
import sympy
from pages import messages, open_page

from derivcore.verdict import nearest_float_note

# (f, at, the reason, the float note). The float notes are by hand: the nearest float to π/2 is
# 884279719003555/2^49, 6.12e-17 below it; to 1/7, 7.93e-18 below it; to 1/10, 5.55e-18 above.
SINGULAR = [
    ("tan(w)", "pi/2", "not defined", "the nearest float to pi/2 is w = 1.5707963267948966, "
     "6.1e-17 below it"),
    ("abs(w - 0.1)", "0.1", "not differentiable", "the nearest float to 1/10 is w = 0.1, "
     "5.6e-18 above it"),
    ("1/(w - 1/7)", "1/7", "not defined", "the nearest float to 1/7 is w = 0.14285714285714285, "
     "7.9e-18 below it"),
]


@pytest.mark.parametrize(("f", "at", "reason", "note"), SINGULAR)
@pytest.mark.parametrize("page", ["overview", "error", "curve", "chain-rule"])
def test_every_page_gives_the_same_verdict_and_labels_the_float(page, f, at, reason, note):
    text = messages(open_page(page, f=f, at=at))
    assert reason in text and note in text, text


def test_an_ordinary_point_gets_no_verdict():
    assert "floating point computes" not in messages(open_page("error", f="w^2", at="3"))
    assert nearest_float_note("w", sympy.Integer(3), 3.0) == "w = 3.0 is exactly the point typed"


@pytest.mark.parametrize("page", ["overview", "derivative", "error", "curve"])
def test_a_switch_where_j_still_has_a_slope_is_differentiable_on_every_page(page):
    # w·|w| at 0: both one-sided slopes are 0 (by hand), so J′(0) = 0 everywhere.
    text = messages(open_page(page, f="w*abs(w)", at="0"))
    assert "not differentiable" not in text, text


def test_the_chain_rule_page_says_j_has_a_slope_where_only_a_piece_has_none():
    # w·|w| at 0: |w| has no derivative at 0, but J's one-sided slopes are both 0 (by hand), so
    # the graph's "undefined" is about the piece; |w| itself at 0 gets no such sentence.
    text = messages(open_page("chain-rule", f="w*abs(w)", at="0"))
    assert "J itself has a slope here: J′ = 0.0 at w = 0.0" in text
    assert "J itself has a slope" not in messages(open_page("chain-rule", f="abs(w)", at="0"))
