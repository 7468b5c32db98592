"""The exercise bank: functions to differentiate, in four levels, each with a model answer.

Functions and answers are parser text, parsed when used. `at` is a point inside the domain and
`values` example values of the other variables: the page's link opens the explorer there. Answers
are checked with the other variables kept as letters. `domain` (lo, hi) restricts checking to
lo < var < hi, for ReLU away from 0.
"""

from dataclasses import dataclass

import sympy

from derivcore.expressions import parse

LEVELS = {
    1: "The power rule",
    2: "Sums and constant multiples",
    3: "Products, quotients and the chain rule",
    4: "The functions of machine learning",
}


@dataclass(frozen=True)
class Exercise:
    """Differentiate `function` by `var`; `answer` is one correct way to write the derivative."""

    id: str
    level: int
    title: str
    function: str
    answer: str
    var: str = "w"
    values: tuple[tuple[str, float], ...] = ()
    domain: tuple[float, float] | None = None
    at: float = 2

    def expr(self) -> sympy.Expr:
        return parse(self.function)


def _ex(id, level, title, function, answer, **options) -> Exercise:
    return Exercise(id, level, title, function, answer, **options)


EXERCISES: tuple[Exercise, ...] = (
    # Level 1: the power rule, d/dw w^n = n·w^(n−1), for whole, negative and fractional n.
    _ex("square", 1, "The lab's first function", "w^2", "2*w", at=3),
    _ex("cube", 1, "A cube", "w^3", "3*w^2"),
    _ex("fifth-power", 1, "A fifth power", "w^5", "5*w^4"),
    _ex("tenth-power", 1, "A high power", "w^10", "10*w^9", at=1),
    _ex("reciprocal", 1, "One over w", "1/w", "-1/w^2"),
    _ex("reciprocal-square", 1, "The lab's exercise", "1/w^2", "-2/w^3", at=4),
    _ex("square-root", 1, "A square root", "sqrt(w)", "1/(2*sqrt(w))", at=4),
    _ex("three-halves", 1, "A fractional power", "w^(3/2)", "(3/2)*w^(1/2)", at=4),
    _ex("reciprocal-root", 1, "One over a square root", "1/sqrt(w)", "-1/(2*w^(3/2))", at=4),
    # Level 2: sums and constant multiples.
    _ex("linear", 2, "A straight line", "2*w", "2", at=3),
    _ex("scaled-square", 2, "A multiple of a power", "3*w^2", "6*w"),
    _ex("quadratic", 2, "A quadratic", "w^2 + 3*w + 1", "2*w + 3"),
    _ex("cubic", 2, "A cubic polynomial", "4*w^3 - 2*w^2 + w - 7", "12*w^2 - 4*w + 1"),
    _ex("five-over-w", 2, "A constant over w", "5/w", "-5/w^2"),
    _ex("thirds-and-halves", 2, "Fractions as coefficients", "w^3/3 + w^2/2", "w^2 + w"),
    _ex(
        "mixed-powers", 2, "Roots and reciprocals", "3*sqrt(w) - 2/w", "3/(2*sqrt(w)) + 2/w^2", at=4
    ),
    _ex("decimals", 2, "Decimal coefficients", "0.5*w^2 - 1.5*w", "w - 1.5"),
    _ex(
        "letters",
        2,
        "Letters as constants",
        "a*w^2 + b*w + c",
        "2*a*w + b",
        values=(("a", 1), ("b", -2), ("c", 3)),
    ),
    # Level 3: products, quotients and the chain rule.
    _ex("w-exp", 3, "A product with an exponential", "w*exp(w)", "exp(w) + w*exp(w)", at=1),
    _ex(
        "product-polynomials",
        3,
        "A product of polynomials",
        "(w^2 + 1)*(w - 3)",
        "2*w*(w - 3) + w^2 + 1",
    ),
    _ex("square-sine", 3, "A product with a sine", "w^2*sin(w)", "2*w*sin(w) + w^2*cos(w)"),
    _ex("w-over-w-plus-1", 3, "A quotient", "w/(w + 1)", "1/(w + 1)^2"),
    _ex("sinc", 3, "Sine over w", "sin(w)/w", "(w*cos(w) - sin(w))/w^2"),
    _ex(
        "rational",
        3,
        "A quotient of polynomials",
        "(w^2 + 1)/(w - 1)",
        "(w^2 - 2*w - 1)/(w - 1)^2",
        at=3,
    ),
    _ex(
        "power-of-linear", 3, "A power of a linear function", "(3*w + 1)^5", "15*(3*w + 1)^4", at=1
    ),
    _ex("sine-of-square", 3, "A sine of a square", "sin(w^2)", "2*w*cos(w^2)", at=1),
    _ex("gaussian", 3, "A bell curve", "exp(-w^2)", "-2*w*exp(-w^2)", at=1),
    _ex("log-of-quadratic", 3, "A logarithm", "log(w^2 + 1)", "2*w/(w^2 + 1)"),
    _ex("root-of-quadratic", 3, "A square root of a sum", "sqrt(1 + w^2)", "w/sqrt(1 + w^2)"),
    _ex("cosine-of-3w", 3, "A scaled cosine", "cos(3*w)", "-3*sin(3*w)", at=1),
    # Level 4: the functions of machine learning.
    _ex("sigmoid", 4, "The sigmoid", "sigmoid(w)", "sigmoid(w)*(1 - sigmoid(w))", at=0),
    _ex(
        "sigmoid-neuron",
        4,
        "A sigmoid neuron, by its weight",
        "sigmoid(w*x + b)",
        "x*sigmoid(w*x + b)*(1 - sigmoid(w*x + b))",
        values=(("x", 2), ("b", -1)),
        at=0.5,
    ),
    _ex("tanh", 4, "The hyperbolic tangent", "tanh(w)", "1 - tanh(w)^2", at=0.5),
    _ex("softplus", 4, "The softplus", "softplus(w)", "sigmoid(w)", at=0),
    _ex("relu-positive", 4, "ReLU for w > 0", "relu(w)", "1", domain=(0, 10)),
    _ex("relu-negative", 4, "ReLU for w < 0", "relu(w)", "0", domain=(-10, 0), at=-2),
    _ex(
        "relu-affine",
        4,
        "ReLU of 2w − 1 where it is positive",
        "relu(2*w - 1)",
        "2",
        domain=(0.5, 10),
    ),
    _ex(
        "squared-error-w",
        4,
        "Squared error, by the weight w",
        "(w*x + b - y)^2",
        "2*x*(w*x + b - y)",
        values=(("x", 2), ("b", 1), ("y", 3)),
        at=1,
    ),
    _ex(
        "squared-error-b",
        4,
        "Squared error, by the bias b",
        "(w*x + b - y)^2",
        "2*(w*x + b - y)",
        var="b",
        values=(("w", 1), ("x", 2), ("y", 3)),
        at=1,
    ),
    _ex(
        "half-squared-error",
        4,
        "Half the squared error",
        "(1/2)*(w*x - y)^2",
        "x*(w*x - y)",
        values=(("x", 2), ("y", 3)),
        at=1,
    ),
    _ex(
        "log-loss",
        4,
        "The log loss, by the prediction a",
        "-y*log(a) - (1 - y)*log(1 - a)",
        "(a - y)/(a*(1 - a))",
        var="a",
        values=(("y", 1),),
        domain=(0, 1),
        at=0.25,
    ),
)


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; ValueError if there is none."""
    for exercise in EXERCISES:
        if exercise.id == exercise_id:
            return exercise
    raise ValueError(f"There is no exercise called '{exercise_id}'.")
