"""The charts' text alternatives, against numbers checked by hand."""

import numpy as np
import pytest
import sympy

from derivcore.chart_text import (
    describe_curve_chart,
    describe_error_chart,
    error_sentence,
)
from derivcore.number_format import spoken_number
from derivcore.sweep import default_eps_grid, error_sweep

w = sympy.Symbol("w", real=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-3, "1e-3"), (6.000999, "6"), (2.2e-16, "2e-16"), (0.05, "0.05"), (31.6, "30"), (0, "0")],
)
def test_spoken_number(value, text):
    assert spoken_number(value) == text


def test_a_v_with_a_plateau():
    eps = np.array([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
    error = np.array([1e-1, 1e-2, 1e-3, 2e-2, 5.0, 5.0])
    assert error_sentence(eps, error, "forward") == (
        "forward: the error falls from 0.1 at ε = 0.1 to its smallest, 1e-3, at ε = 1e-3, "
        "then rises to 5 below ε = 1e-5."
    )


def test_an_error_that_only_falls_and_counts_zeros_and_gaps():
    eps = np.array([1e-3, 1e-1, 1e-2, 1e-4])  # in any order
    error = np.array([1e-6, 1e-2, 0.0, np.nan])
    assert error_sentence(eps, error, "central") == (
        "central: the error falls from 0.01 at ε = 0.1 to 1e-6 at ε = 1e-3; "
        "exactly 0 at 1 steps; undefined at 1 steps."
    )


def test_the_labs_first_example_forward_in_float64():
    # J = w² at 3: the forward error is exactly ε (J″/2 · ε = ε), 1 at ε = 1 ((16 − 9)/1 − 6);
    # below ulp(3)/2 = 2^-52·2/2 ≈ 2.2e-16, 3 + ε == 3, k = 0 and the error is |J′| = 6.
    sweep = error_sweep(w**2, "w", 3.0, default_eps_grid(), ("forward",), ("float64",))
    text = describe_error_chart(sweep)
    assert text.startswith("forward, float64: the error falls from 1 at ε = 1 to its smallest")
    assert text.endswith("then rises to 6 below ε = 2e-16.")


def test_the_curve_sentence_for_the_labs_first_example():
    # J(3) = 9, J′(3) = 6, k = ((3.001)² − 9)/0.001 = 6.001.
    assert describe_curve_chart(w**2, "w", 3.0, 1e-3, 1, 5) == (
        "J(w) from w = 1 to 5. At w = 3, J = 9; the tangent's slope is 6 and the secant's for "
        "ε = 0.001 is 6.001."
    )


def test_the_curve_sentence_where_j_is_undefined():
    text = describe_curve_chart(sympy.log(w), "w", -1.0, 0.1, -2, 2)
    assert "J is not defined" in text and "no tangent" in text


def test_the_overview_describes_its_charts_on_request():
    from pages import open_page  # loads Streamlit, which the other tests here do not need

    at = open_page()
    assert not at.text  # the sentences are for screen readers until asked for
    at.toggle(key="describe:error").set_value(True).run()
    assert "then rises to 6 below ε = 2e-16" in at.text[0].value
    assert not at.exception
