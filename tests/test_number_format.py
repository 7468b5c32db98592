"""How numbers are written on the pages, against values written out by hand."""

import math

from derivcore.number_format import number_latex, number_text, python_repr, spoken_number


def test_text():
    assert number_text(6.000999999999479) == "6.001"
    assert number_text(1 / 3, ".3g") == "0.333"
    assert number_text(2.0**-53, ".1e") == "1.1e-16"
    assert number_text(0.1, "repr") == "0.1"
    assert number_text(-0.0) == "0"
    assert number_text(math.nan) == "undefined"
    assert number_text(-math.inf) == "−∞"


def test_latex():
    assert number_latex(2.0**-53, ".1e") == r"1.1 \times 10^{-16}"
    assert number_latex(-1 / 9, "repr") == "-0.1111111111111111"
    assert number_latex(1.5e-7, "repr") == r"1.5 \times 10^{-7}"
    assert number_latex(math.inf) == r"\infty"
    assert number_latex(math.nan) == r"\text{undefined}"


def test_python_repr_is_the_labs_print():
    assert python_repr(9.0) == "9"  # (3)**2 prints as 9
    assert python_repr(9.006001) == "9.006001"
    assert python_repr(1e16) == "1e+16"


def test_spoken():
    assert spoken_number(0.001) == "1e-3"
    assert spoken_number(6.000999) == "6"
    assert spoken_number(31.6) == "30"
    assert spoken_number(2.2e-16) == "2e-16"
