"""The lab's examples: the printed numbers as the lab shows them, and what Python really prints."""

import mpmath
import pytest
import sympy

from derivcore.expressions import parse
from derivcore.finite_differences import finite_difference
from derivcore.lab import LAB_EXAMPLES, lab_arithmetic, lab_example
from ui.sidebar import example_link

# Copied by hand from the lab's printed output (In [2], [3], [14], [19], [24], [26]).
LAB_TEXT = {
    "square": "J = 9, J_epsilon = 9.006001, dJ_dw == k = 6.001000",
    "square-small-eps": "J = 9, J_epsilon = 9.000000006, dJ_dw == k = 6.000000496442226",
    "linear": "J = 6, J_epsilon = 6.002, dJ_dw == k = 1.999999999997797",
    "cube": "J = 8, J_epsilon = 8.012006000999998, dJ_dw == k = 12.00600099997823",
    "reciprocal": "J = 0.5, J_epsilon = 0.49975012493753124, dJ_dw == k = -0.2498750624687629",
    "reciprocal-square": (
        "J = 0.0625, J_epsilon = 0.06246876171484496, dJ_dw == k = -0.031238285155041345"
    ),
}
# Where the lab's copy lost a digit, the line Python 3 prints (one more 9 in the run of 9s).
PYTHON_PRINTS = {
    "linear": "J = 6, J_epsilon = 6.002, dJ_dw == k = 1.9999999999997797",
    "cube": "J = 8, J_epsilon = 8.012006000999998, dJ_dw == k = 12.006000999997823",
}


def test_examples_in_the_labs_order():
    assert [e.id for e in LAB_EXAMPLES] == list(LAB_TEXT)
    assert [(e.function, e.point, e.eps) for e in LAB_EXAMPLES] == [
        ("w^2", 3, 0.001),
        ("w^2", 3, 1e-9),
        ("2*w", 3, 0.001),
        ("w^3", 2, 0.001),
        ("1/w", 2, 0.001),
        ("1/w^2", 4, 0.001),
    ]
    cells = [e.cell for e in LAB_EXAMPLES]
    assert cells == sorted(cells)


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=lambda e: e.id)
def test_data_records_the_labs_text(example):
    assert example.lab_line == LAB_TEXT[example.id]


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=lambda e: e.id)
def test_arithmetic_prints_what_python_prints(example):
    printed = lab_arithmetic(example).printed
    assert printed.endswith(" ")  # the lab's f-string ends with a space
    assert printed.rstrip() == PYTHON_PRINTS.get(example.id, LAB_TEXT[example.id])


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=lambda e: e.id)
def test_arithmetic_is_ieee_double(example):
    # Independent: the same operations in mpmath at 53 bits, round to nearest (= IEEE float64).
    ops = {
        "w^2": lambda v: v**2,
        "2*w": lambda v: 2 * v,
        "w^3": lambda v: v**3,
        "1/w": lambda v: 1 / v,
        "1/w^2": lambda v: 1 / v**2,
    }[example.function]
    with mpmath.workprec(53):
        eps = mpmath.mpf(example.eps)
        j = ops(mpmath.mpf(example.point))
        j_eps = ops(mpmath.mpf(example.point) + eps)
        k = (j_eps - j) / eps
    step = lab_arithmetic(example).nudge
    assert (step.j, step.j_eps, step.k) == (float(j), float(j_eps), float(k))


def test_the_lost_digit_is_a_copy_slip_and_noted():
    for example_id, python_line in PYTHON_PRINTS.items():
        lab_line = LAB_TEXT[example_id]
        assert len(python_line) == len(lab_line) + 1
        # Removing one 9 from Python's k gives the lab's k.
        k_python = python_line.rsplit(" ", 1)[1]
        k_lab = lab_line.rsplit(" ", 1)[1]
        assert any(
            k_python[:i] + k_python[i + 1 :] == k_lab
            for i, c in enumerate(k_python)
            if c == "9"
        )
        assert any("a 9 was lost" in c for c in lab_example(example_id).caveats)


def test_integer_j_prints_as_the_lab_does():
    assert lab_arithmetic(lab_example("square")).nudge.j == 9
    assert isinstance(lab_arithmetic(lab_example("square")).nudge.j, int)
    assert isinstance(lab_arithmetic(lab_example("reciprocal")).nudge.j, float)


def test_small_eps_is_worse_than_its_truncation_error():
    example = lab_example("square-small-eps")
    k = lab_arithmetic(example).nudge.k
    error = abs(k - 6)
    assert error == pytest.approx(4.96442226e-7, rel=1e-6)
    assert error > 400 * example.eps  # truncation error of the forward difference on w² is ε
    assert any("500 times" in c for c in example.caveats)
    # The bigger ε = 0.001 is within its truncation error ε of J'(3) = 6.
    coarse = lab_arithmetic(lab_example("square")).nudge.k
    assert abs(coarse - 6 - 0.001) < 1e-12


def test_prose_slip_is_noted():
    (prose, hidden) = lab_example("square").caveats
    assert "9.0060001" in prose and "9.006001" in prose
    assert abs(3.001**2 - 9.006001) < 1e-12
    assert "6.000999999999479" in hidden
    assert repr(lab_arithmetic(lab_example("square")).nudge.k) == "6.000999999999479"


def test_symbolic_side_matches_the_labs_subs():
    # d/dw w^2 = 2w at 2, 3, -3; 2w -> 2; 3w^2 at 2 = 12; -1/w^2 at 2 = -1/4 (by hand).
    assert lab_example("square").lab_subs == ((2, "4"), (3, "6"), (-3, "-6"))
    assert lab_example("linear").lab_subs == ((-3, "2"),)
    assert lab_example("cube").lab_subs == ((2, "12"),)
    assert lab_example("reciprocal").lab_subs == ((2, "-1/4"),)
    assert lab_example("reciprocal-square").derivative == "-2/w^3"


def test_every_example_says_what_it_shows():
    for example in LAB_EXAMPLES:
        assert example.shows.endswith(".")
        assert all(c.endswith(".") for c in example.caveats)


def test_explorer_links_carry_the_examples_inputs():
    square, small = lab_example("square"), lab_example("square-small-eps")
    link = example_link(square.function, {square.var: square.point}, square.eps)
    assert link == "./?f=w%5E2&at=3&eps=0.001"
    assert "eps=1e-09" in example_link(small.function, {small.var: small.point}, small.eps)
    # the other variables go to their own boxes, and the link names the one to differentiate by
    assert example_link("(w*x + b)^2", {"w": -2, "x": 2, "b": 8}) == (
        "./?f=%28w%2Ax+%2B+b%29%5E2&at=-2&value_x=2&value_b=8&var=w"
    )


def test_unknown_example():
    with pytest.raises(ValueError, match="no lab example"):
        lab_example("nope")


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=lambda e: e.id)
def test_the_engine_gives_the_labs_k_bit_for_bit(example):
    # The explorer pages use finite_difference; on the lab's examples it is the lab's Python.
    k = finite_difference(parse(example.function), "w", example.point, example.eps)
    assert k == lab_arithmetic(example).nudge.k


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=lambda e: e.id)
def test_functions_and_derivatives_parse_and_agree(example):
    w = sympy.Symbol("w", real=True)
    expr, derivative = parse(example.function), parse(example.derivative)
    assert sympy.simplify(sympy.diff(expr, w) - derivative) == 0
    for point, value in example.lab_subs:
        assert str(derivative.subs(w, point)) == value
