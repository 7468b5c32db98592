"""Checking a student's derivative: right or wrong, the likely slip, and a point that shows it.

The answer text goes through the same safe parser as every formula. Two expressions A and D are
compared numerically first (cheap, and it finds a counterexample): at a fixed list of points,
simple ones first, where both are real and finite, |A − D| ≤ 1e-12·max(|A|, |D|) + 1e-18 with
both evaluated by mpmath at 30 digits. If they agree everywhere, equivalence is decided
symbolically, simplify(A − D) == 0 under a time bound; when SymPy cannot decide in time, agreement
at many points is accepted and `decided_by` says so.

A wrong answer is compared with the usual slips, each a whole alternative derivative: the function
itself, −D, the chain rule without an inner derivative, the power rule with the exponent or the
factor wrong, and D times a constant.

One concept in one module (470 lines): judging an answer. The slip search runs on the very points
and values the equivalence check computed, so splitting the two would only pass them across.
"""

import cmath
import math
import random
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy

from derivcore.bounded import WorkTimeout, run_bounded
from derivcore.expressions import ExpressionError, parse
from derivcore.reference import REFERENCE_DIGITS
from derivcore.steps import composition
from derivcore.symbols import symbol_for

# Simple points first: a counterexample at w = 2 is easier to check by hand than at w = 1.73.
_NICE = (
    2,
    3,
    Fraction(1, 2),
    -1,
    1,
    -2,
    Fraction(3, 2),
    4,
    Fraction(-1, 2),
    Fraction(1, 4),
    -3,
    Fraction(3, 4),
    5,
    Fraction(5, 2),
    Fraction(-3, 2),
    Fraction(1, 10),
)
_RANDOM_POINTS = 24
_MIN_NUMERIC_PROOF = 8  # points of agreement accepted when SymPy cannot decide
_MIN_SLIP_POINTS = 3
_RELATIVE_TOLERANCE = 1e-12
_ABSOLUTE_TOLERANCE = 1e-18
SYMBOLIC_TIMEOUT = 2.0


@dataclass(frozen=True)
class Counterexample:
    """A point where the answer and the derivative differ: the values of all variables there."""

    point: dict[str, float]
    expected: float
    answered: float


@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on one answer.

    `message` is for the student. `slip` names the likely mistake ("not_differentiated", "sign",
    "inner_derivative", "power_exponent", "power_factor", "constant_factor") or is None.
    `position` is the column of a parse error. `decided_by` is "symbolic" or "numeric" for an
    accepted answer. `factor` is answer/derivative for a "constant_factor" slip.
    """

    correct: bool
    message: str
    slip: str | None = None
    counterexample: Counterexample | None = None
    position: int | None = None
    answer: sympy.Expr | None = None
    expected: sympy.Expr | None = None
    decided_by: str | None = None
    factor: Fraction | float | None = None


def check_answer(
    problem_expr: sympy.Expr,
    answer_text: str,
    var: str = "w",
    domain: tuple[float, float] | None = None,
) -> AnswerCheck:
    """Is `answer_text` the derivative of `problem_expr` by `var`?

    `domain` (lo, hi), when given, restricts the comparison to lo < var < hi (ReLU away from 0).
    The answer may use only the problem's variables. Two phases, each under its own time bound
    (`run_bounded`): the numeric comparison, then, for an answer that agreed everywhere, SymPy's
    verdict; a correct answer that SymPy is too slow to prove is accepted on the numbers. Raises
    `WorkTimeout` when the numeric phase overruns or no worker is free.
    """
    outcome = run_bounded(compare_numerically, problem_expr, answer_text, var, domain)
    if isinstance(outcome, AnswerCheck):
        return outcome
    answer, expected, agreeing = outcome
    x = symbol_for(problem_expr, var)
    known = dict(answer=answer, expected=expected)
    if _symbolically_equal(answer, expected, x, domain):
        return AnswerCheck(True, "Correct!", decided_by="symbolic", **known)
    if agreeing >= _MIN_NUMERIC_PROOF:
        return AnswerCheck(
            True,
            f"Correct: your answer agrees with the derivative at all {agreeing} points checked.",
            decided_by="numeric",
            **known,
        )
    return AnswerCheck(
        False,
        f"Your answer agrees with the derivative at the {agreeing} points where both have a "
        "value, but that is too few to be sure. Try writing it more simply.",
        **known,
    )


def _without_value(answer: sympy.Expr, answer_text: str) -> str | None:
    """Why an answer has no real value anywhere (1/0, log(0), sqrt(−1)), or None."""
    if answer.has(sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity):
        return (
            f"Your answer {answer_text.strip()} has no value: it divides by zero or takes the "
            "logarithm of 0 (SymPy calls the result ∞ or nan). A derivative is a finite number "
            "wherever it exists."
        )
    if answer.has(sympy.I):
        return (
            f"Your answer {answer_text.strip()} is not a real number: it contains the imaginary "
            "unit i (the square root or logarithm of a negative number). The derivative of a "
            "real function is real."
        )
    return None


def compare_numerically(
    problem_expr: sympy.Expr, answer_text: str, var: str, domain
) -> AnswerCheck | tuple[sympy.Expr, sympy.Expr, int]:
    """The verdict when the numbers settle it (a parse error, no value, a counterexample), else
    (answer, derivative, the number of points where they agree) for `check_answer` to prove.
    Run in a worker by `check_answer`: evaluating a student's formula can take long."""
    x = symbol_for(problem_expr, var)
    symbols = _ordered_symbols(problem_expr, x)
    try:
        answer = parse(answer_text, [s.name for s in symbols])
    except ExpressionError as error:
        return AnswerCheck(False, error.message, position=error.position)
    no_value = _without_value(answer, answer_text)
    if no_value:
        return AnswerCheck(False, no_value, answer=answer)
    by_name = {s.name: s for s in symbols}
    answer = answer.xreplace({s: by_name[s.name] for s in answer.free_symbols})
    expected = sympy.diff(problem_expr, x)
    points = _Points(symbols, domain)
    expected_values, answer_values = points.values(expected), points.values(answer)
    # Only where J itself has a value: log's J′ = 1/w is real at w = −1, log is not, so 1/|w|
    # is a right answer on log's domain and must not be refuted there.
    function_values = points.values(problem_expr)
    both = [
        i
        for i, (j, d, a) in enumerate(
            zip(function_values, expected_values, answer_values, strict=True)
        )
        if j is not None and d is not None and a is not None
    ]
    known = dict(answer=answer, expected=expected)
    if not both:
        return AnswerCheck(False, _no_common_point(points, expected_values), **known)
    differing = [i for i in both if not _close(answer_values[i], expected_values[i])]
    if differing:
        i = differing[0]
        counterexample = Counterexample(
            points.named(i), float(expected_values[i]), float(answer_values[i])
        )
        slip, slip_message, factor = _find_slip(
            problem_expr, x, expected, answer_values, expected_values, both, points
        )
        message = " ".join(m for m in (slip_message, _differs_at(counterexample)) if m)
        return AnswerCheck(False, message, slip, counterexample, factor=factor, **known)
    return answer, expected, len(both)


def _ordered_symbols(problem_expr: sympy.Expr, x: sympy.Symbol) -> list[sympy.Symbol]:
    """The variable first, then the problem's other symbols by name."""
    others = sorted((s for s in problem_expr.free_symbols if s != x), key=lambda s: s.name)
    return [x, *others]


def is_zero_difference(a: sympy.Expr, b: sympy.Expr) -> bool:
    """simplify(a − b) == 0; run in a worker process under a time limit by `check_answer`."""
    return sympy.simplify(a - b) == 0


def _symbolically_equal(answer, expected, x, domain) -> bool:
    """simplify(answer − expected) == 0, for x inside the domain when there is one."""
    if domain is not None and (math.isfinite(domain[0]) or math.isfinite(domain[1])):
        # Write x = lo + p or hi − p with p > 0 (from the end nearer 0), so that SymPy can
        # settle, e.g., the Heaviside(2w − 1) of ReLU′ to 1 on w > 1/2.
        p = sympy.Dummy("p", positive=True)
        lo, hi = domain
        if math.isfinite(hi) and (hi <= 0 or not math.isfinite(lo)):
            inside = sympy.Rational(hi) - p
        else:
            inside = sympy.Rational(lo) + p
        answer, expected = answer.xreplace({x: inside}), expected.xreplace({x: inside})
    if answer - expected == 0:
        return True
    try:
        return run_bounded(is_zero_difference, answer, expected, timeout=SYMBOLIC_TIMEOUT)
    except WorkTimeout as err:
        if err.busy:
            raise
        return False  # SymPy could not decide in time: the numbers decide


class _Points:
    """The points where answers are compared: simple values first, then seeded random ones."""

    def __init__(self, symbols: list[sympy.Symbol], domain):
        self.symbols = symbols
        rng = random.Random(0)  # the same answer always gets the same counterexample
        lo, hi = domain if domain is not None else (-math.inf, math.inf)
        nice = [v for v in _NICE if lo < v < hi]
        rows = []
        for i, value in enumerate(nice):
            others = [_NICE[(3 * i + 5 * j + 1) % len(_NICE)] for j in range(len(symbols) - 1)]
            rows.append([value, *others])
        for i in range(_RANDOM_POINTS):
            value = Fraction(rng.uniform(*_interval(lo, hi, scale=(1, 6, 20)[i % 3])))
            rows.append([value, *(Fraction(rng.uniform(-3, 3)) for _ in symbols[1:])])
        self.rows = rows

    def values(self, expr: sympy.Expr) -> list[mpmath.mpf | None]:
        """expr at each point at 30 digits; None where it is not real and finite.

        A float64 pass first skips the points where some intermediate value leaves the float
        range: mpmath would try to compute, e.g., e^(e^(e^20)) = e^(10^(2·10^8)) to 30 digits
        and never finish.
        """
        try:
            in_floats = sympy.lambdify(self.symbols, expr, modules="math")
            function = sympy.lambdify(self.symbols, expr, modules="mpmath")
        except (KeyError, TypeError, NameError, ValueError):  # a constant the printers lack
            return [None] * len(self.rows)
        with mpmath.workdps(REFERENCE_DIGITS):
            return [
                _real_value(function, row) if _fits_in_floats(in_floats, row) else None
                for row in self.rows
            ]

    def named(self, i: int) -> dict[str, float]:
        return {s.name: float(v) for s, v in zip(self.symbols, self.rows[i], strict=True)}


def _interval(lo: float, hi: float, scale: float) -> tuple[float, float]:
    """The part of (lo, hi) within `scale` of 0, or the `scale` nearest 0 of a distant domain."""
    low, high = max(lo, -scale), min(hi, scale)
    if low < high:
        return low, high
    return (lo, min(hi, lo + scale)) if lo > 0 else (max(lo, hi - scale), hi)


def _fits_in_floats(function, row) -> bool:
    try:
        value = function(*(float(v) for v in row))
    except (ArithmeticError, ValueError, TypeError):
        return False
    return cmath.isfinite(value)


def _real_value(function, row) -> mpmath.mpf | None:
    arguments = [
        mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else mpmath.mpf(v)
        for v in row
    ]
    try:
        value = function(*arguments)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            return None
        value = value.real
    value = mpmath.mpf(value)
    return value if mpmath.isfinite(value) else None


def _close(a, b) -> bool:
    return abs(a - b) <= _RELATIVE_TOLERANCE * max(abs(a), abs(b)) + _ABSOLUTE_TOLERANCE


# --- slips -----------------------------------------------------------------------------------


def _find_slip(problem, x, expected, answer_values, expected_values, both, points):
    """(slip, sentence, factor) for the first slip the answer matches everywhere, else Nones."""
    for slip, message, candidate in _slip_candidates(problem, x, expected):
        if _matches(points.values(candidate), answer_values, both):
            return slip, message, None
    factor = _constant_ratio(answer_values, expected_values, both)
    if factor is not None:
        return "constant_factor", _factor_message(factor), factor
    return None, "", None


def _matches(candidate_values, answer_values, indices) -> bool:
    compared = [i for i in indices if candidate_values[i] is not None]
    return len(compared) >= _MIN_SLIP_POINTS and all(
        _close(candidate_values[i], answer_values[i]) for i in compared
    )


def _slip_candidates(problem, x, expected):
    """(slip, message, the derivative that slip gives), the likeliest explanation first.

    A dropped inner derivative comes before the others: e^(−w) answered as e^(−w) is the
    function itself and minus the derivative too, but the slip is the chain rule's −1.
    """
    sites = _sites(problem, x)
    for site, split in sites:
        inner = split.inner
        if inner == x:
            continue
        dropped = _derivative_with(problem, x, {site: split.outer_derivative(inner)})
        yield (
            "inner_derivative",
            f"The inner derivative is missing: by the chain rule the derivative of the outside "
            f"must be multiplied by the derivative of the inside, d/d{x}({_text(inner)}) = "
            f"{_text(sympy.diff(inner, x))}.",
            dropped,
        )
    chain_free = {site: split.outer_derivative(split.inner) for site, split in sites}
    if len(chain_free) > 1:
        yield (
            "inner_derivative",
            "The inner derivatives are missing: the chain rule multiplies each outer derivative "
            "by the derivative of what is inside.",
            _derivative_with(problem, x, chain_free),
        )
    yield (
        "not_differentiated",
        "Your answer is the function itself: it still has to be differentiated.",
        problem,
    )
    yield "sign", "The sign is wrong: your answer is minus the derivative.", -expected
    for site, split in sites:
        if split.rule not in ("power", "sqrt"):
            continue
        u, n = site.base, site.exp
        du = sympy.diff(u, x)
        yield (
            "power_exponent",
            f"Power rule: the exponent goes down by one, from {_text(n)} to {_text(n - 1)} "
            f"(d/d{x} {x}^n = n·{x}^(n−1)); your exponent is {_text(n)}.",
            _derivative_with(problem, x, {site: n * u**n * du}),
        )
        yield (
            "power_exponent",
            f"Power rule: the exponent goes down by one, from {_text(n)} to {_text(n - 1)}, "
            f"not up to {_text(n + 1)}.",
            _derivative_with(problem, x, {site: n * u ** (n + 1) * du}),
        )
        yield (
            "power_factor",
            f"Power rule: the old exponent {_text(n)} also comes down as a factor "
            f"(d/d{x} {x}^n = n·{x}^(n−1)).",
            _derivative_with(problem, x, {site: u ** (n - 1) * du}),
        )


def _sites(expr, x) -> list[tuple[sympy.Expr, object]]:
    """Every composition f(u) in expr that contains x, outermost first."""
    found = []
    for node in sympy.preorder_traversal(expr):
        if node.has(x):
            split = composition(node, x)
            if split is not None and all(node != s for s, _ in found):
                found.append((node, split))
    return found


def _derivative_with(expr, x, overrides: dict) -> sympy.Expr:
    """d expr/dx with the derivative of each sub-expression in `overrides` replaced as given.

    Sums, products and compositions are differentiated by their rules so that a replaced
    derivative is carried through; sub-expressions without a replaced part use sympy.diff.
    """
    if expr in overrides:
        return overrides[expr]
    if not any(expr.has(site) for site in overrides):
        return sympy.diff(expr, x)
    if isinstance(expr, sympy.Add):
        return sympy.Add(*(_derivative_with(t, x, overrides) for t in expr.args))
    if isinstance(expr, sympy.Mul):
        factors = expr.args
        return sympy.Add(
            *(
                _derivative_with(f, x, overrides) * sympy.Mul(*factors[:i], *factors[i + 1 :])
                for i, f in enumerate(factors)
            )
        )
    split = composition(expr, x)
    if split is not None:
        return split.outer_derivative(split.inner) * _derivative_with(split.inner, x, overrides)
    return sympy.diff(expr, x)


def _constant_ratio(answer_values, expected_values, indices) -> Fraction | float | None:
    """answer/derivative when it is the same constant (≠ 1) at every point, else None."""
    ratios = [
        answer_values[i] / expected_values[i] for i in indices if abs(expected_values[i]) > 1e-12
    ]
    if len(ratios) < _MIN_SLIP_POINTS or not all(_close(r, ratios[0]) for r in ratios):
        return None
    ratio = float(ratios[0])
    if ratio in (0.0, 1.0, -1.0):
        return None
    simple = Fraction(ratio).limit_denominator(1000)
    return simple if math.isclose(float(simple), ratio, rel_tol=1e-12) else ratio


def _distinct_from_one(factor: float) -> str:
    """The factor with the fewest significant digits (6 at least) that do not read as 1."""
    for digits in range(6, 18):
        shown = f"{factor:.{digits}g}"
        if float(shown) != 1.0:
            return shown
    return repr(factor)


def _factor_message(factor: Fraction | float) -> str:
    # Enough digits to tell the factor from 1: 2.0000001w on w² is 1.00000005 times J′, not "1".
    shown = str(factor) if isinstance(factor, Fraction) else _distinct_from_one(factor)
    return (
        f"Your answer is off by a factor of {shown}: it is {shown} times the derivative. "
        "Check the constant factors (and the inner derivative of a chain rule)."
    )


# --- messages --------------------------------------------------------------------------------


def _text(expr: sympy.Expr) -> str:
    """A formula as a student types it: ^ for powers."""
    return sympy.sstr(expr).replace("**", "^")


def _number(value: float, other: float) -> str:
    """value with enough digits to differ from other when they differ."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    for digits in (6, 10, 15, 17):
        shown = f"{value:.{digits}g}"
        if shown != f"{other:.{digits}g}":
            return shown
    return repr(value)


def _point_text(point: dict[str, float]) -> str:
    return ", ".join(f"{name} = {_number(v, math.nan)}" for name, v in point.items())


def _differs_at(c: Counterexample) -> str:
    return (
        f"At {_point_text(c.point)} your answer gives {_number(c.answered, c.expected)} "
        f"but the derivative is {_number(c.expected, c.answered)}."
    )


def _no_common_point(points: _Points, expected_values) -> str:
    defined = [i for i, d in enumerate(expected_values) if d is not None]
    if not defined:
        return "The derivative has no real value at any point tried, so it cannot be checked."
    i = defined[0]
    return (
        f"Your answer has no value where the derivative is defined: for example at "
        f"{_point_text(points.named(i))} the derivative is "
        f"{_number(float(expected_values[i]), math.nan)}."
    )
