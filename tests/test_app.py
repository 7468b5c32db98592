"""AppTest tests of every page: what a student sees for the lab's examples and for bad input."""

import pytest
from pages import EXPLORER, code_text, latex_text, markdown_text, messages, open_page, switch_to


def test_default_view_is_the_labs_first_example():
    at = open_page()
    assert at.text_input(key="f").value == "w^2"
    assert at.text_input(key="at").value == "3"
    assert at.text_input(key="eps").value == "0.001"
    assert "w^{2}" in latex_text(at)
    assert "2 w" in latex_text(at)
    assert "J'(3) = 6" in latex_text(at)
    # The lab's Python: J = 9, J_epsilon = (3 + 0.001)**2, k = (J_epsilon - J)/0.001.
    printed = code_text(at)
    assert "J(3) = 9\n" in printed
    assert "9.006001" in printed
    assert "6.000999999999479" in printed
    assert len(at.get("plotly_chart")) == 2


def _check_inverse_square(at):
    latex = latex_text(at)
    assert r"- \frac{2}{w^{3}}" in latex  # d/dw w^-2 = -2 w^-3, by hand
    assert r"- \frac{1}{32}" in latex  # -2/4^3
    # The lab's own printout for 1/w^2 at 4 with eps = 0.001.
    assert "-0.031238285155041345" in code_text(at)


def test_inverse_square_through_the_widgets():
    at = open_page()
    at.text_input(key="f").set_value("1/w^2").run()
    at.text_input(key="at").set_value("4").run()
    assert not at.exception
    _check_inverse_square(at)


def test_inverse_square_through_the_url():
    at = open_page(f="1/w^2", at="4", eps="1e-3")
    assert at.text_input(key="f").value == "1/w^2"
    _check_inverse_square(at)


@pytest.mark.parametrize("page", EXPLORER)
def test_bad_function_shows_a_message_and_keeps_the_text(page):
    at = open_page(page)
    at.text_input(key="f").set_value("sin(w").run()
    assert not at.exception
    assert at.text_input(key="f").value == "sin(w"
    assert "never closed" in messages(at)
    # The caret sits under the unmatched parenthesis (column 3).
    assert "sin(w\n   ^" in code_text(at)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("eps", "0", "greater than 0"),
        ("eps", "-1e-3", "greater than 0"),
        ("eps", "nan", "ε"),
        ("eps", "abc", "ε"),
        ("at", "inf", "w"),
        ("at", "", "value for w"),
        ("at", "w+1", "only"),
    ],
)
def test_bad_numbers_show_a_message(key, value, words):
    at = open_page()
    at.text_input(key=key).set_value(value).run()
    assert not at.exception
    assert words.lower() in messages(at).lower()
    assert at.text_input(key=key).value == value
    # The formulas still show.
    assert "w^{2}" in latex_text(at)


@pytest.mark.parametrize(
    ("f", "at_", "words"), [("1/w", "0", "not defined"), ("log(w)", "-1", "not")]
)
def test_points_outside_the_domain_are_explained(f, at_, words):
    at = open_page(f=f, at=at_)
    assert words in messages(at)


def test_derivative_page_table_matches_the_labs_subs_calls():
    at = open_page("derivative")
    table = at.dataframe[0].value
    # dJ/dw = 2w at 2, 3, -3 is 4, 6, -6 (the lab's In [7] to In [9]).
    assert list(table.iloc[:, 1]) == ["4", "6", "-6"]


def test_error_page_draws_the_plot_and_offers_the_csv():
    at = open_page("error")
    assert len(at.get("plotly_chart")) == 1
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Download the sweep as CSV", "Download as a Jupyter notebook"]
    why = markdown_text(at)
    # w² at 3, forward differences in float64, by hand: truncation C·ε with C = J″/2 = 1; rounding
    # R/ε with R = u·(|J(3)| + |J(3 + ε)| + |3·J′(3)|) = 2⁻⁵³·36 ≈ 4.0e-15 (DESIGN §4); they
    # balance at ε = √(R/C) ≈ 6.3e-08 with error 2√(RC) ≈ 1.3e-07.
    assert "balance at ε ≈ 6.3e-08, where the model's error is about 1.3e-07" in why
    assert "At the lab's ε = 1e-09: truncation ≈ 1.0e-09, rounding ≈ 4.0e-06" in why
    # Measured at the grid's ε nearest 1e-9 (10^(−20 + 20·219/399) of 400 from 1e-20 to 1), with
    # the lab's formula in plain Python.
    eps = 10 ** (-20 + 20 * 219 / 399)
    measured = abs(((3 + eps) ** 2 - 9) / eps - 6)
    assert f"measured at ε = {eps:.2g}: {measured:.1e}" in why
    assert "rounding, not truncation, decides" in why


def test_curve_page_draws_the_curve():
    at = open_page("curve")
    assert len(at.get("plotly_chart")) == 1


FUNCTIONS = [
    "w^2",
    "2w",
    "w^3",
    "1/w",
    "1/w^2",
    "sin(w)",
    "cos(w)",
    "tan(w)",
    "exp(w)",
    "log(w)",
    "sqrt(w)",
    "abs(w)",
    "sigmoid(w)",
    "tanh(w)",
    "softplus(w)",
    "relu(w)",
    "7",
    "e^(-w^2)",
    "sin(w)/w",
    "w^w",
    "(w*x + b - y)^2",
    "asin(w)",
]


@pytest.mark.parametrize("f", FUNCTIONS)
@pytest.mark.parametrize("point", ["3", "0", "-1", "pi/2"])
def test_every_page_renders_for_many_functions_and_points(f, point):
    at = open_page(f=f, at=point)
    for page in EXPLORER:
        switch_to(at, page)
        assert not at.exception, (f, point, page, [e.value for e in at.exception])


def test_moving_eps_by_decades_sets_the_step_and_the_nudge():
    at = open_page()
    at.select_slider(key="eps_decade").set_value("1e-9").run()
    assert not at.exception
    assert at.text_input(key="eps").value == "1e-9"
    # The lab's In [3]: (3 + 1e-9)**2 - 9)/1e-9 prints 6.000000496442226.
    assert "6.000000496442226" in code_text(at)
    # Typing a step moves the slider to its nearest decade.
    at.text_input(key="eps").set_value("3e-5").run()
    assert at.select_slider(key="eps_decade").value == "1e-5"


def test_several_variables_offer_the_variable_and_the_others_values():
    at = open_page(f="(w*x + b - y)^2", at="2")
    assert at.selectbox(key="var").value == "w"
    for name in ("b", "x", "y"):
        assert at.text_input(key=f"value_{name}").value == "1"
    # With b = x = y = 1: dJ/dw = 2(w x + b - y) x = 2·2 = 4 at w = 2 (by hand).
    assert "J'(2) = 4" in latex_text(at)
    at.selectbox(key="var").set_value("b").run()
    assert not at.exception
    # Now b = 2 is the point and w = x = y = 1: dJ/db = 2(w x + b - y) = 2·(1 + 2 - 1) = 4.
    assert "J'(2) = 4" in latex_text(at)


@pytest.mark.parametrize("var", ["1x", "sin", "x" * 301])
@pytest.mark.parametrize("function", ["w*x", "x*w^2"])
def test_a_link_variable_j_does_not_have_is_explained_and_the_rest_kept(function, var):
    at = open_page(f=function, at="2", eps="1e-4", value_x="3", var=var)
    shown = var if len(var) <= 40 else var[:39] + "…"
    assert f"'Differentiate with respect to' = '{shown}' cannot be used" in messages(at)
    assert at.text_input(key="f").value == function
    assert at.text_input(key="at").value == "2"
    assert at.text_input(key="eps").value == "1e-4"
    assert at.text_input(key="value_x").value == "3"
    assert at.selectbox(key="var").value == "w"
    # ∂/∂w at w = 2, x = 3, by hand: w·x gives x = 3; x·w² gives 2xw = 12.
    assert ("J'(2) = 3" if function == "w*x" else "J'(2) = 12") in latex_text(at)
    # Said once: the next change does not repeat it.
    at.text_input(key="at").set_value("1").run()
    assert "Differentiate with respect to" not in messages(at)


def test_a_link_variable_for_a_function_of_one_variable_is_explained_once():
    at = open_page(f="sin(w)", var="x")
    assert "'Differentiate with respect to' = 'x' cannot be used" in messages(at)
    assert "cos" in latex_text(at)
    at.text_input(key="at").set_value("1").run()
    assert not at.exception
    assert "Differentiate with respect to" not in messages(at)


def test_a_bad_value_of_another_variable_keeps_the_formulas():
    at = open_page(f="w*x", at="2", value_x="oops")
    assert "value of x" in messages(at).lower()
    assert at.text_input(key="value_x").value == "oops"
    assert "w x" in latex_text(at)  # J is still shown
    for page in [*EXPLORER, "chain-rule", "exercises"]:
        switch_to(at, page)
        assert not at.exception, page
        assert "value of x" in messages(at).lower()


HOSTILE = [
    {"f": "__import__('os').system('echo hi')"},
    {"f": "9**9**9**9"},
    {"f": "(w+1)^10^7"},
    {"f": "w" * 400},
    {"f": ""},
    {"f": "1/0"},
    {"f": "w.__class__"},
    {"f": "sin(w", "at": "pi/0"},
    {"at": "1e999"},
    {"at": "nan"},
    {"eps": "1e-400"},
    {"eps": "1e400"},
    {"eps": "-0"},
    {"f": "w*x", "var": "zz", "value_x": ""},
    {"f": "log(w)", "at": "-1", "eps": "10"},
    {"f": "sqrt(w)", "at": "0", "eps": "1e-20"},
]


@pytest.mark.parametrize(
    "query", HOSTILE, ids=lambda q: "&".join(f"{k}={v[:20]}" for k, v in q.items())
)
def test_hostile_urls_never_show_a_traceback(query):
    at = open_page(**query)
    for page in [*EXPLORER, "chain-rule", "exercises"]:
        switch_to(at, page)
        assert not at.exception, (query, page)
