"""check_answer: equivalent answers accepted however written, wrong ones refused with the slip."""

import math
import time

import pytest

import derivcore.answers as answers
from derivcore.answers import check_answer
from derivcore.expressions import ExpressionError, parse

LOG_LOSS = "-y*log(a) - (1 - y)*log(1 - a)"
SQUARED_ERROR = "(w*x + b - y)^2"

# (function, variable, an answer written differently from the model answer), each derived by hand.
CORRECT = [
    ("w^2", "w", "2w"),
    ("w^2", "w", "2*w^1"),
    ("w^2", "w", "w + w"),
    ("w^2", "w", "2 w"),
    ("w^3", "w", "3w^2"),
    ("w^3", "w", "3*w*w"),
    ("w^3", "w", "3w²"),
    ("1/w", "w", "-1/w^2"),
    ("1/w", "w", "-w^(-2)"),
    ("1/w", "w", "-(1/w)^2"),
    ("1/w^2", "w", "-2/w^3"),
    ("1/w^2", "w", "-2*w^(-3)"),
    ("1/w^2", "w", "-2/(w*w^2)"),
    ("sqrt(w)", "w", "1/(2*sqrt(w))"),
    ("sqrt(w)", "w", "0.5*w^(-0.5)"),
    ("sqrt(w)", "w", "(1/2)/w^(1/2)"),
    ("w^(3/2)", "w", "1.5*sqrt(w)"),
    ("w^(3/2)", "w", "3 sqrt(w)/2"),
    ("2w", "w", "2"),
    ("3w^2", "w", "6w"),
    ("w^2 + 3w + 1", "w", "3 + 2w"),
    ("4w^3 - 2w^2 + w - 7", "w", "12w^2 - 4w + 1"),
    ("4w^3 - 2w^2 + w - 7", "w", "4w(3w - 1) + 1"),
    ("5/w", "w", "-5w^(-2)"),
    ("w^3/3 + w^2/2", "w", "w(w + 1)"),
    ("0.5w^2 - 1.5w", "w", "w - 3/2"),
    ("a*w^2 + b*w + c", "w", "2*a*w + b"),
    ("w*exp(w)", "w", "(1 + w)exp(w)"),
    ("w*exp(w)", "w", "e^w + w e^w"),
    ("(w^2 + 1)(w - 3)", "w", "3w^2 - 6w + 1"),
    ("w^2 sin(w)", "w", "w(2 sin(w) + w cos(w))"),
    ("w/(w + 1)", "w", "(w + 1)^(-2)"),
    ("w/(w + 1)", "w", "((w + 1) - w)/(w + 1)^2"),
    ("sin(w)/w", "w", "cos(w)/w - sin(w)/w^2"),
    ("(3w + 1)^5", "w", "5*3*(3w + 1)^4"),
    ("sin(w^2)", "w", "2w cos(w^2)"),
    ("exp(-w^2)", "w", "-2w/exp(w^2)"),
    ("exp(-w^2)", "w", "-2 w e^(-w^2)"),
    ("log(w^2 + 1)", "w", "2w/(1 + w^2)"),
    ("ln(w^2 + 1)", "w", "2w/(w^2 + 1)"),
    ("log(2w)", "w", "1/w"),
    ("sqrt(1 + w^2)", "w", "w (1 + w^2)^(-1/2)"),
    ("cos(3w)", "w", "-3 sin(3w)"),
    ("sin(w)^2", "w", "sin(2w)"),
    ("sin(w) cos(w)", "w", "cos(2w)"),
    ("exp(w)", "w", "e^w"),
    ("2^w", "w", "2^w ln(2)"),
    ("atan(w)", "w", "1/(1 + w^2)"),
    ("sigmoid(w)", "w", "sigmoid(w)*(1 - sigmoid(w))"),
    ("sigmoid(w)", "w", "exp(-w)/(1 + exp(-w))^2"),
    ("sigmoid(w)", "w", "e^w/(1 + e^w)^2"),
    ("sigmoid(w)", "w", "1/(1 + exp(-w)) - 1/(1 + exp(-w))^2"),
    ("tanh(w)", "w", "1/cosh(w)^2"),
    ("tanh(w)", "w", "1 - tanh(w)^2"),
    ("softplus(w)", "w", "1/(1 + exp(-w))"),
    ("softplus(w)", "w", "e^w/(1 + e^w)"),
    ("sigmoid(w*x + b)", "w", "x sigmoid(w x + b)(1 - sigmoid(w x + b))"),
    (SQUARED_ERROR, "w", "2 x (w x + b - y)"),
    (SQUARED_ERROR, "w", "2x^2 w + 2x b - 2x y"),
    (SQUARED_ERROR, "b", "2b + 2w x - 2y"),
    (LOG_LOSS, "a", "-y/a + (1 - y)/(1 - a)"),
    (LOG_LOSS, "a", "-y/a - (1 - y)/(a - 1)"),
    ("w^w", "w", "w^w (ln(w) + 1)"),
]

# (function, variable, wrong answer, the slip it shows), each worked out by hand.
WRONG = [
    ("w^2", "w", "-2w", "sign"),
    ("1/w", "w", "1/w^2", "sign"),
    ("cos(w)", "w", "sin(w)", "sign"),
    ("sigmoid(w)", "w", "-sigmoid(w)(1 - sigmoid(w))", "sign"),
    ("1/w^2", "w", "2/w^3", "sign"),
    (LOG_LOSS, "a", "y/a - (1 - y)/(1 - a)", "sign"),
    ("exp(-w)", "w", "-w exp(-w)", None),
    ("w^2", "w", "w^2", "not_differentiated"),
    ("sin(w)", "w", "sin(w)", "not_differentiated"),
    ("sigmoid(w)", "w", "sigmoid(w)", "not_differentiated"),
    ("w^3 + w", "w", "w^3 + w", "not_differentiated"),
    ("sin(w^2)", "w", "cos(w^2)", "inner_derivative"),
    ("(3w + 1)^5", "w", "5(3w + 1)^4", "inner_derivative"),
    ("log(w^2 + 1)", "w", "1/(w^2 + 1)", "inner_derivative"),
    ("sqrt(1 + w^2)", "w", "1/(2 sqrt(1 + w^2))", "inner_derivative"),
    ("cos(3w)", "w", "-sin(3w)", "inner_derivative"),
    ("sigmoid(2w)", "w", "sigmoid(2w)(1 - sigmoid(2w))", "inner_derivative"),
    (SQUARED_ERROR, "w", "2(w x + b - y)", "inner_derivative"),
    ("tanh(3w)", "w", "1 - tanh(3w)^2", "inner_derivative"),
    ("sin(w)^3", "w", "3 sin(w)^2", "inner_derivative"),
    ("(w^2 + 1)^3", "w", "3(w^2 + 1)^2", "inner_derivative"),
    ("softplus(2w)", "w", "sigmoid(2w)", "inner_derivative"),
    ("log(sin(w))", "w", "1/sin(w)", "inner_derivative"),
    ("sin(w^2) + w^3", "w", "cos(w^2) + 3w^2", "inner_derivative"),
    ("sin(cos(w))", "w", "cos(cos(w))", "inner_derivative"),
    # Also the function itself, and minus the derivative: the chain rule's −1 is the slip.
    ("exp(-w)", "w", "exp(-w)", "inner_derivative"),
    ("log(1 - w)", "w", "1/(1 - w)", "inner_derivative"),
    ("1/(w^2 + 1)", "w", "-1/(w^2 + 1)^2", "inner_derivative"),
    ("exp(w^2)", "w", "w^2 exp(w^2)", None),
    ("w^3", "w", "3w^3", "power_exponent"),
    ("w^5", "w", "5w^5", "power_exponent"),
    ("w^3", "w", "3w^4", "power_exponent"),
    ("1/w^2", "w", "-2/w", "power_exponent"),
    ("1/w^2", "w", "-2w^(-1)", "power_exponent"),
    ("w^10", "w", "10 w^10", "power_exponent"),
    ("sqrt(w)", "w", "0.5 sqrt(w)", "power_exponent"),
    ("w^2 + 3w", "w", "2w^2 + 3", "power_exponent"),
    ("(3w + 1)^5", "w", "15(3w + 1)^5", "power_exponent"),
    ("w^3", "w", "w^2", "power_factor"),
    ("w^5", "w", "w^4", "power_factor"),
    ("4w^3", "w", "4w^2", "power_factor"),
    ("w^4 + w", "w", "w^3 + 1", "power_factor"),
    ("w^3", "w", "6w^2", "constant_factor"),
    ("sin(w)", "w", "2cos(w)", "constant_factor"),
    ("exp(w)", "w", "3exp(w)", "constant_factor"),
    ("w^2", "w", "3w", "constant_factor"),
    ("sigmoid(w)", "w", "0.5 sigmoid(w)(1 - sigmoid(w))", "constant_factor"),
    (SQUARED_ERROR, "b", "4(w x + b - y)", "constant_factor"),
    ("sin(2w)", "w", "4cos(2w)", "constant_factor"),
    ("5/w", "w", "-1/w^2", "constant_factor"),
    ("w^2", "w", "2w + 1", None),
    ("relu(w)", "w", "1", None),
    ("w*exp(w)", "w", "exp(w)", None),
    ("w sin(w)", "w", "cos(w)", None),
    ("tanh(w)", "w", "1 + tanh(w)^2", None),
    ("log(w)", "w", "1/w^2", None),
]


@pytest.mark.parametrize(("function", "var", "answer"), CORRECT)
def test_equivalent_answers_are_accepted(function, var, answer):
    result = check_answer(parse(function), answer, var)
    assert result.correct, result.message
    assert result.message.startswith("Correct")
    assert result.slip is None and result.counterexample is None


@pytest.mark.parametrize(("function", "var", "answer", "slip"), WRONG)
def test_wrong_answers_are_refused_with_the_slip(function, var, answer, slip):
    result = check_answer(parse(function), answer, var)
    assert not result.correct
    assert result.slip == slip, result.message
    # Always a point where the two differ, with both values, checked here independently.
    c = result.counterexample
    assert c is not None and f"At {var} = " in result.message
    assert not math.isclose(c.expected, c.answered, rel_tol=1e-9)


def test_enough_cases():
    assert len(CORRECT) >= 50
    assert len(WRONG) >= 50


def test_counterexample_message_with_values():
    result = check_answer(parse("w^3"), "6w^2")
    # d/dw w^3 = 3w^2 = 12 at w = 2; 6·2^2 = 24.
    assert "At w = 2 your answer gives 24 but the derivative is 12." in result.message
    assert "off by a factor of 2" in result.message
    assert result.factor == 2
    assert (result.counterexample.expected, result.counterexample.answered) == (12, 24)


def test_values_are_shown_with_enough_digits_to_differ():
    result = check_answer(parse("sin(w^2)"), "cos(w^2)")
    # At w = 2: the answer is cos(4) and the derivative 2·2·cos(4).
    assert f"your answer gives {math.cos(4):.6g} but the derivative is {4 * math.cos(4):.6g}" in (
        result.message
    )
    assert "d/dw(w^2) = 2*w" in result.message


def test_the_counterexample_avoids_points_where_they_agree():
    # w^2 and 2w agree at w = 2 (both 4): the point shown must be another one.
    result = check_answer(parse("w^2"), "w^2")
    assert result.counterexample.point == {"w": 3.0}
    assert "At w = 3 your answer gives 9 but the derivative is 6." in result.message


def test_other_variables_are_named_in_the_counterexample():
    result = check_answer(parse(SQUARED_ERROR), "2(w x + b - y)")
    c = result.counterexample
    assert set(c.point) == {"w", "b", "x", "y"}
    w, b, x, y = (c.point[n] for n in "wbxy")
    assert c.expected == pytest.approx(2 * x * (w * x + b - y))
    assert c.answered == pytest.approx(2 * (w * x + b - y))
    assert "d/dw(b + w*x - y) = x" in result.message


# Where the caret goes, by hand: under the '+' that ends "2w+", at the start of an empty answer
# and of the unknown name, and under the '(' that is never closed.
@pytest.mark.parametrize(("text", "position"), [("2w+", 2), ("", 0), ("sine(w)", 0), ("2*(w", 2)])
def test_parse_errors_are_the_parsers_messages(text, position):
    result = check_answer(parse("w^2"), text)
    with pytest.raises(ExpressionError) as refused:
        parse(text, ["w"])
    assert (result.message, result.position) == (refused.value.message, position)
    assert not result.correct


def test_answer_may_only_use_the_problems_variables():
    result = check_answer(parse("w^2"), "2*x")
    assert not result.correct
    assert "x" in result.message and result.slip is None
    # In the squared error x, b and y are allowed, z is not.
    assert check_answer(parse(SQUARED_ERROR), "2x(w x + b - y)").correct
    assert not check_answer(parse(SQUARED_ERROR), "2z(w x + b - y)").correct


def test_symbols_without_assumptions_in_the_problem():
    import sympy

    w = sympy.Symbol("w")
    assert check_answer(w**3, "3w^2").correct


def test_relu_away_from_zero_needs_the_domain():
    problem = parse("relu(w)")
    assert check_answer(problem, "1", domain=(0, 10)).correct
    assert check_answer(problem, "0", domain=(-10, 0)).correct
    assert not check_answer(problem, "0", domain=(0, 10)).correct
    refused = check_answer(problem, "1")
    assert "At w = -1 your answer gives 1 but the derivative is 0." in refused.message
    assert check_answer(parse("relu(2w - 1)"), "2", domain=(0.5, 10)).decided_by == "symbolic"


def test_log_loss_checked_inside_its_domain():
    result = check_answer(parse(LOG_LOSS), "(a - y)/(a(1 - a))", "a")
    assert result.correct and result.decided_by == "symbolic"


def test_decided_numerically_when_sympy_runs_out_of_time(monkeypatch):
    # A real worker, stopped for real: SymPy gets 0.1 ms, far too little to simplify anything.
    monkeypatch.setattr(answers, "SYMBOLIC_TIMEOUT", 1e-4)
    result = check_answer(parse("sigmoid(w)"), "sigmoid(w)*(1 - sigmoid(w))")
    assert result.correct and result.decided_by == "numeric"
    assert "points" in result.message
    # A wrong answer never reaches SymPy: the numbers refuse it.
    assert not check_answer(parse("w^2"), "3w").correct


def test_an_answer_defined_nowhere_the_derivative_is():
    result = check_answer(parse("w^2"), "sqrt(-1 - w^2)")
    assert not result.correct
    assert "no value" in result.message


def test_a_domain_away_from_zero_is_sampled_inside():
    # relu(w − 5)′ = 1 for w > 5 and 0 below: checked only on 5 < w.
    problem = parse("relu(w - 5)")
    assert check_answer(problem, "1", domain=(5, math.inf)).correct
    refused = check_answer(problem, "0", domain=(5, math.inf))
    assert not refused.correct and refused.counterexample.point["w"] > 5


def test_huge_intermediate_values_do_not_hang_the_check():
    # e^(e^(e^20)) would need 10^8 digits: such points are skipped, the others decide.
    start = time.perf_counter()
    result = check_answer(parse("exp(exp(exp(w)))"), "1")
    assert not result.correct
    w = result.counterexample.point["w"]
    assert result.counterexample.expected == pytest.approx(
        math.exp(math.exp(math.exp(w))) * math.exp(math.exp(w)) * math.exp(w)
    )
    assert check_answer(parse("exp(exp(exp(w)))"), "e^(e^(e^w) + e^w + w)").correct
    assert time.perf_counter() - start < 10


def test_an_answer_right_on_the_functions_domain_is_not_refuted_outside_it():
    # Audit of 2026-12-01: for log(w) the answer 1/|w| was refuted "at w = −1", where log has no
    # real value. On w > 0, 1/|w| = 1/w = (log w)′ (by hand).
    result = check_answer(parse("log(w)"), "1/abs(w)")
    assert result.correct, result.message
    assert "w = -1" not in result.message


def test_a_factor_near_one_is_shown_with_the_digits_that_tell_it_from_one():
    # 2.0000001w against (w²)′ = 2w: the factor is 2.0000001/2 = 1.00000005 (by hand), which
    # "off by a factor of 1" hid.
    result = check_answer(parse("w^2"), "2.0000001w")
    assert not result.correct
    assert "off by a factor of 1.00000005" in result.message
