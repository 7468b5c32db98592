"""Messages reach the student as text: escaping for Markdown, the caret's excerpt, the limits,
and labels that follow J's variables (AppTest; the browser test checks the rendered text)."""

import pytest
from pages import open_page

from ui.messages import caret_excerpt, plain


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("write a*b*c", r"write a\*b\*c"),
        ("x_1 and y_2", r"x\_1 and y\_2"),
        ("costs $5 or $6", r"costs \$5 or \$6"),
        ("see :red[this] :smile:", r"see \:red\[this\] \:smile:"),
        ("<b>bold</b>", r"\<b\>bold\</b\>"),
        ("- not a list", r"\- not a list"),
        ("# not a heading", r"\# not a heading"),
        ("Correct!", "Correct!"),
        ("ε must be greater than 0: try 0.001.", "ε must be greater than 0: try 0.001."),
    ],
)
def test_plain_escapes_what_markdown_would_read_as_markup(text, escaped):
    assert plain(text) == escaped


def test_caret_excerpt_keeps_short_text_whole():
    assert caret_excerpt("sin(w", 3) == ("sin(w", 3)


def test_caret_excerpt_cuts_a_long_text_around_the_caret():
    text = "".join(chr(ord("a") + i % 26) for i in range(100))
    excerpt, column = caret_excerpt(text, 50, width=20)
    # A window of 20 from 40 (= 50 - 10) to 60, its ends replaced by '…'.
    assert excerpt == "…" + text[41:59] + "…"
    assert len(excerpt) == 20
    assert column == 10 and excerpt[column] == text[50]


def test_caret_excerpt_at_the_end_of_a_long_text():
    text = "w+" * 40  # 80 characters
    excerpt, column = caret_excerpt(text, 80, width=20)
    assert excerpt == "…" + text[61:]
    assert column == 20


def test_an_over_long_formula_from_a_link_is_kept_and_the_limit_is_named():
    formula = "w^2+" * 80 + "w"  # 321 characters, none of them a trailing '+'
    at = open_page(f=formula)
    assert at.text_input(key="f").value == formula
    message = at.error[0].value
    assert "too long" in message and "321 characters" in message and "300" in message


def test_a_product_hint_is_shown_as_text():
    at = open_page(f="abc")
    assert r"a\*b\*c" in at.error[0].value


def test_the_point_box_does_not_suggest_a_product():
    at = open_page(at="ab")
    message = " ".join(e.value for e in at.error)
    assert "number" in message and "product" not in message


@pytest.mark.parametrize(
    ("formula", "label"), [("w^2", "J(w) ="), ("x^2 + 1", "J(x) ="), ("w*x + b", "J(b, w, x) =")]
)
def test_the_function_label_names_js_variables(formula, label):
    at = open_page(f=formula)
    assert at.text_input(key="f").label == label


def test_the_function_label_follows_an_edit():
    at = open_page()
    at.text_input(key="f").set_value("sin(t)").run()
    assert at.text_input(key="f").label == "J(t) ="
    assert at.text_input(key="at").label == "Point t ="
