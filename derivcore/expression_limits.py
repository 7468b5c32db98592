"""The limits on a formula: everything a student controls is bounded before SymPy works on it.

SymPy evaluates as it builds: `Integer(9)**387420489` is computed on the spot, exp(10^9*log(9))
becomes 9^(10^9), and deciding the sign of a sum that is exactly 0 takes it ~50 ms. So the text's
length, the node count, the nesting, the digits of literals, the size of exponents, the size of
every constant (finite in float64; exact rationals at most MAX_RESULT_DIGITS digits), and an
estimate of SymPy's work (function calls, roots, towers) are all limited, with a CPU-time budget
(`work_clock`) as the last line of defence. Constants' sizes are judged from their approximate
values in complex floating point (`approximate`, `Approximator`), computed alongside the build.
"""

import ast
import cmath
import gc
import math
import threading
import time
from collections.abc import Callable

import sympy

from derivcore.catalogue import FUNCTIONS, TYPED
from derivcore.expression_messages import ExpressionError

MAX_LENGTH = 300  # characters of user text
MAX_NODES = 300  # expression nodes after parsing
MAX_DEPTH = 40  # depth of the tree walk (sums, products and sign chains count once)
MAX_BRACKET_DEPTH = 20
MAX_NUMBER_DIGITS = 50  # significant digits of one literal
MAX_DECIMAL_EXPONENT = 400  # |n| in a literal such as 1e-n
MAX_EXPONENT = 1000  # |p| of any constant exponent: w^1000 is fine, (w+1)^(10^7) is not
MAX_RESULT_DIGITS = 400  # digits of numerator or denominator of an exact rational constant
MAX_POWER_NESTING = 3  # powers inside exponents: w^x^y^z is as far as it goes
MAX_WORK = 12  # SymPy work units (about 1 ms each with a cold cache), see check_size
MAX_ROOT_DIGITS = 40  # digits of a number whose root SymPy would try to simplify
TIME_BUDGET = 0.035  # CPU seconds of SymPy work for one formula: the last line of defence
# A sum of constants this much smaller than its terms is taken to be an exact 0 that SymPy cannot
# see (sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6))): deciding its sign costs SymPy ~50 ms each time.
CANCELLATION = 1e-12


# --- bounds on the parsed tree -----------------------------------------------------------

def _is_integer_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def check_size(tree: ast.Expression, starts: list[int]) -> None:
    """Refuse trees whose SymPy construction would be slow, before building anything.

    Besides the node count, this adds up the work SymPy does with a cold cache, in units of about
    1 ms: a function call costs its catalogue `work` (1; abs 2, relu and sigmoid 3, softplus 4),
    a power whose exponent
    is not a plain integer costs 1 plus the number of exponents it sits inside (roots and
    towers make SymPy factor numbers and query assumptions). Sums, products and integer powers
    are cheap and only count as nodes. `starts` gives each character of the Python text its
    column in the student's text, for the refusal's position.
    """
    nodes = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ExpressionError(
            f"The formula has too many parts ({nodes}; at most {MAX_NODES}).", None
        )
    work = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 0)]  # node, how many exponents it is inside
    while stack:
        node, nesting = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            if nesting + 1 > MAX_POWER_NESTING:
                raise ExpressionError(
                    f"Too many powers stacked inside exponents (at most {MAX_POWER_NESTING}).",
                    starts[node.right.col_offset],
                )
            if not _is_integer_literal(node.right):
                work += 1 + nesting
            # Pushed right first so that nodes are visited in reading order, and the column of
            # the refusal is where the budget ran out as the student reads the formula.
            stack.append((node.right, nesting + 1))
            stack.append((node.left, nesting))
        else:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                work += TYPED[node.func.id].work if node.func.id in TYPED else 1
            children = list(ast.iter_child_nodes(node))
            stack.extend((child, nesting) for child in reversed(children))
        if work > MAX_WORK:
            raise ExpressionError(
                "The formula is too complicated to work with quickly (too many functions, roots "
                "or powers); try a simpler one.",
                starts[node.col_offset],
            )


# --- a clock for the work budget ----------------------------------------------------------

# A full garbage collection in a big server process can take 100 ms; it is not the formula's
# work, so the time the collector runs in this thread is kept out of TIME_BUDGET.
_collector_time = threading.local()


def _note_collection(phase: str, info: dict) -> None:
    now = time.thread_time()
    if phase == "start":
        _collector_time.started = now
    else:
        spent = now - getattr(_collector_time, "started", now)
        _collector_time.total = getattr(_collector_time, "total", 0.0) + spent


gc.callbacks.append(_note_collection)


def work_clock() -> float:
    """CPU seconds used by this thread outside the garbage collector."""
    return time.thread_time() - getattr(_collector_time, "total", 0.0)



class TooLarge(Exception):
    """A constant's approximate value overflowed float64."""


class Cancellation(Exception):
    """A sum of constants that is 0, or too close to 0 for SymPy to decide cheaply."""




def approximate(function: Callable, *args: complex | None) -> complex | None:
    """The value of a constant in complex floating point, to bound sizes before SymPy works."""
    if any(arg is None for arg in args):
        return None
    try:
        value = complex(function(*args))
    except (ZeroDivisionError, ValueError):
        return None  # SymPy makes zoo or nan here, which are harmless
    except OverflowError as error:
        raise TooLarge from error
    if not cmath.isfinite(value):
        raise TooLarge
    return value


def rational_value(p: int, q: int) -> complex:
    try:
        return complex(p / q)
    except OverflowError as error:
        raise TooLarge from error


def digits(n: int) -> float:
    return math.log10(abs(n)) if n else 0.0


def rational_size(expr: sympy.Expr) -> float:
    """Upper bound on the digits SymPy may compute when it raises `expr` to a power of 1.

    SymPy evaluates powers of rationals exactly, and also of products and powers of rationals:
    (2*3^(1/2))^1000 becomes 2^1000*3^500. Other shapes (sums, functions) stay unevaluated.
    """
    if isinstance(expr, sympy.Rational):
        return max(digits(expr.p), digits(expr.q))
    if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Rational):
        return abs(float(expr.exp)) * rational_size(expr.base)
    if isinstance(expr, sympy.Mul):
        return sum(rational_size(arg) for arg in expr.args)
    return 0.0


def log_power_exponent(expr: sympy.Expr) -> float:
    """Largest rational in a term of `expr` that holds a log.

    SymPy rewrites exp(c*log(b)) as b^c, combining logs on the way (logcombine turns
    10^9*log(9) into log(9^(10^9)), computing 9^(10^9)). So any rational next to a log inside an
    exponent is treated as an exponent.
    """
    largest = 0.0
    for term in sympy.Add.make_args(expr):
        if term.has(sympy.log):
            for number in term.atoms(sympy.Rational):
                largest = max(largest, abs(float(number)))
    return largest


class Approximator:
    """Complex floating-point values of SymPy constants, remembered for one parse."""

    def __init__(self) -> None:
        self.known: dict[sympy.Expr, complex | None] = {}

    def __call__(self, expr: sympy.Expr) -> complex | None:
        if expr not in self.known:
            self.known[expr] = self.compute(expr)
        return self.known[expr]

    def compute(self, expr: sympy.Expr) -> complex | None:
        if isinstance(expr, sympy.Rational):
            if max(digits(expr.p), digits(expr.q)) > 300:
                return None
            return complex(expr.p / expr.q)
        if expr in _EXACT_CONSTANTS:
            return _EXACT_CONSTANTS[expr]
        if isinstance(expr, sympy.Add):
            combine = _sum
        elif isinstance(expr, sympy.Mul):
            combine = _product
        elif isinstance(expr, sympy.Pow):
            combine = complex_power
        elif type(expr) in _SYMPY_APPROXIMATIONS:
            combine = _SYMPY_APPROXIMATIONS[type(expr)]
        else:
            return None
        try:
            return approximate(combine, *(self(arg) for arg in expr.args))
        except TooLarge:
            return None

    def cancels(self, expr: sympy.Expr) -> bool:
        """Whether the constant terms of a sum add up to (almost exactly) 0."""
        if not isinstance(expr, sympy.Add):
            return False
        constants = [
            value for term in expr.args
            if not term.free_symbols and (value := self(term)) is not None
        ]
        if len(constants) < 2:
            return False
        return abs(sum(constants)) <= CANCELLATION * sum(abs(value) for value in constants)


def _sum(*terms: complex) -> complex:
    return sum(terms)


def _product(*factors: complex) -> complex:
    return math.prod(factors)



def complex_power(base: complex, exponent: complex) -> complex:
    if base.imag == 0 and exponent.imag == 0 and base.real > 0:
        return complex(base.real**exponent.real)
    return base**exponent




_EXACT_CONSTANTS = {sympy.pi: complex(math.pi), sympy.E: complex(math.e), sympy.I: 1j}
_SYMPY_APPROXIMATIONS: dict[type, Callable] = {
    **{f.sympy: f.complex for f in FUNCTIONS if f.sympy is not None and f.complex is not None},
    sympy.Max: lambda *args: max(_real(arg) for arg in args),
}


def _real(z: complex) -> float:
    if z.imag:
        raise ValueError("not a real number")
    return z.real

