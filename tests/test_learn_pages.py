"""AppTest tests of the learning pages: the lab walkthrough, exercises and the chain rule."""

from pages import code_text, open_page


def test_lab_page_shows_pythons_real_output_and_the_labs_mistakes():
    at = open_page("lab")
    printed = code_text(at)
    # Python's own output for the lab's cells (run by hand: python3 -c "print(...)").
    assert "J = 9, J_epsilon = 9.006001, dJ_dw == k = 6.001000" in printed
    assert "dJ_dw == k = 6.000000496442226" in printed
    assert "dJ_dw == k = -0.031238285155041345" in printed
    warnings = " ".join(w.value for w in at.warning)
    assert "9.0060001" in warnings  # the lab's prose misquotes 3.001²
    assert "500" in warnings  # ε = 1e-9 is worse, not better
    links = [b.proto.url for b in at.get("link_button")]
    assert len(links) == 6
    assert "./?f=1%2Fw%5E2&at=4&eps=0.001" in links


def test_exercise_links_to_the_explorer_at_its_point_and_values():
    at = open_page("exercises", exercise="log-loss")
    [link] = at.get("link_button")
    # J = −y·log a − (1 − y)·log(1 − a) by a, at a = 0.25 with y = 1: the bank's own data
    assert link.proto.label == "Explore J at a = 0.25"
    assert link.proto.url.endswith("&at=0.25&value_y=1&var=a")
    assert "f=" in link.proto.url and "eps" not in link.proto.url


def test_exercise_accepts_a_differently_written_answer_and_counts_it():
    at = open_page("exercises", exercise="cube")
    at.text_input(key="answer:cube:w^3").set_value("3 w²")
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["Correct!"]
    assert at.metric[0].value == "1 / 1"


def test_exercise_names_the_slip_and_a_point_where_answers_differ():
    at = open_page("exercises", exercise="cube")
    at.text_input(key="answer:cube:w^3").set_value("3w^3")
    at.button[0].click().run()
    message = at.error[0].value
    assert "At w = " in message
    assert at.metric[0].value == "0 / 1"


def test_exercise_answer_with_a_typo_gets_the_parser_message_and_caret():
    at = open_page("exercises", exercise="cube")
    at.text_input(key="answer:cube:w^3").set_value("3w^^2")
    at.button[0].click().run()
    assert "'^' cannot follow '^'" in at.error[0].value
    # The answer, and under it a caret at column 3: the second '^' (counted by hand).
    assert at.code[-1].value == "3w^^2\n   ^"


def test_hints_reveal_the_derivation_one_step_at_a_time():
    at = open_page("exercises", exercise="sine-of-square")
    before = len(at.latex)
    hint = next(b for b in at.button if b.label.startswith("Hint"))
    hint.click().run()
    assert len(at.latex) == before + 1
    solution = next(b for b in at.button if b.label == "Show solution")
    solution.click().run()
    assert "cos" in at.latex[-1].value and "2 w" in at.latex[-1].value


def test_custom_exercise_uses_the_sidebar_function():
    at = open_page("exercises", exercise="custom", f="w^4")
    assert "w^{4}" in at.latex[0].value


def test_chain_rule_page_for_the_course_example():
    # J = (2 + 3w)^2 at w = 1: J = 25, dJ/dw = 2·5·3 = 30 (by hand).
    at = open_page("chain-rule", f="(2 + 3w)^2", at="1")
    assert "= 30" in at.latex[0].value
    table = at.dataframe[0].value
    assert list(table["variable"]) == ["w"]
    assert float(table.iloc[0, 1]) == 30.0
    assert table["passes"].iloc[0] == "yes"


def test_chain_rule_preset_fills_the_sidebar():
    at = open_page("chain-rule")
    preset = next(b for b in at.button if b.label.startswith("Squared error"))
    preset.click().run()
    assert not at.exception
    assert at.text_input(key="f").value == "(w*x + b - y)^2"
    # the link of the view carries the example, other variables included
    assert at.query_params["value_x"] == "2" and at.query_params["value_b"] == "8"
    assert at.query_params["at"] == "-2"
    # At w = -2, x = 2, b = 8, y = 1: r = w x + b - y = 3, dJ/dw = 2 r x = 12, dJ/db = 2 r = 6.
    table = at.dataframe[0].value.set_index("variable")
    assert float(table.loc["w"].iloc[0]) == 12.0
    assert float(table.loc["b"].iloc[0]) == 6.0


def test_chain_rule_nudge_uses_the_sidebars_eps():
    # J = (2 + 3w)² at w = 1, ε = 0.01: J = 25, J(1.01) = (5.03)² = 25.3009 and
    # ΔJ/ε = 30.09 (by hand), not the ε = 1e-6 the check once used whatever the sidebar said.
    at = open_page("chain-rule", f="(2 + 3w)^2", at="1", eps="0.01")
    printed = code_text(at)
    assert "(ε = 0.01)" in printed
    assert f"ΔJ/ε       = {((2 + 3 * 1.01) ** 2 - 25) / 0.01!r}" in printed
