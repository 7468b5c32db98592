"""The exercise bank: enough exercises per level, all parse, and every model answer is accepted."""

import pytest
import sympy

from derivcore.answers import check_answer
from derivcore.exercises import EXERCISES, LEVELS, get_exercise
from derivcore.expressions import free_variable_names
from derivcore.steps import derivative_steps


def check(exercise, answer: str):
    """The exercise page's check: its function, variable and domain."""
    return check_answer(exercise.expr(), answer, exercise.var, exercise.domain)


def of_level(level: int) -> list:
    return [e for e in EXERCISES if e.level == level]


def test_at_least_thirty_in_four_levels():
    assert len(EXERCISES) >= 30
    assert sorted(LEVELS) == [1, 2, 3, 4]
    for level in LEVELS:
        assert len(of_level(level)) >= 6
    assert {e.level for e in EXERCISES} == set(LEVELS)


def test_ids_are_unique_slugs():
    ids = [e.id for e in EXERCISES]
    assert len(set(ids)) == len(ids)
    assert all(i == i.lower() and " " not in i for i in ids)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_parses_and_its_model_answer_is_accepted(exercise):
    expr = exercise.expr()
    assert exercise.var in free_variable_names(expr)
    # Values, when given, name exactly the other variables.
    if exercise.values:
        assert sorted([*dict(exercise.values), exercise.var]) == free_variable_names(expr)
    result = check(exercise, exercise.answer)
    assert result.correct, result.message
    lo, hi = exercise.domain or (float("-inf"), float("inf"))
    assert lo < exercise.at < hi
    assert derivative_steps(expr, exercise.var)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_a_wrong_answer_is_refused(exercise):
    # The model answer plus 1 differs from the derivative everywhere.
    assert not check(exercise, f"({exercise.answer}) + 1").correct


def test_level_four_has_the_functions_of_machine_learning():
    functions = {e.function for e in of_level(4)}
    assert {"sigmoid(w)", "tanh(w)", "softplus(w)", "relu(w)"} <= functions
    by_w, by_b = get_exercise("squared-error-w"), get_exercise("squared-error-b")
    assert by_w.function == by_b.function == "(w*x + b - y)^2"
    assert (by_w.var, by_b.var) == ("w", "b")
    log_loss = get_exercise("log-loss")
    assert log_loss.var == "a" and log_loss.domain == (0, 1)
    # ReLU only away from 0.
    for e in of_level(4):
        if "relu" in e.function:
            assert e.domain is not None


def test_squared_error_by_b_hand_values():
    # d/db (w x + b − y)^2 = 2(w x + b − y); at w = 1, x = 2, b = 1, y = 3: 2·(2 + 1 − 3) = 0.
    exercise = get_exercise("squared-error-b")
    derivative = sympy.diff(exercise.expr(), sympy.Symbol("b", real=True))
    values = {sympy.Symbol(n, real=True): v for n, v in dict(exercise.values).items()}
    assert derivative.subs(values).subs(sympy.Symbol("b", real=True), exercise.at) == 0


def test_relu_exercise_refuses_the_other_side():
    assert not check(get_exercise("relu-positive"), "0").correct
    assert check(get_exercise("relu-affine"), "2").correct


def test_lookup():
    assert get_exercise("cube").function == "w^3"
    with pytest.raises(ValueError, match="no exercise called 'nope'"):
        get_exercise("nope")
