"""The allowlist walk: Python's parse tree of the rewritten text, built into SymPy directly.

Only sums, differences, products, quotients, powers, signs, numbers, the known names and calls of
the known functions are built; anything else is refused with a message and a column. Numbers come
from the token text, so 0.1 is exactly 1/10. Every SymPy constructor goes through `checked`, which
refuses results that are too large or too slow (see `expression_limits`); σ, softplus and relu
are written out (1/(1 + e^(−u)), log(1 + e^u), max(0, u)) one bounded step at a time.
"""

import ast
import cmath
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derivcore.catalogue import TYPED
from derivcore.expression_limits import (
    MAX_DECIMAL_EXPONENT,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NUMBER_DIGITS,
    MAX_RESULT_DIGITS,
    MAX_ROOT_DIGITS,
    TIME_BUDGET,
    Approximator,
    Cancellation,
    TooLarge,
    approximate,
    complex_power,
    digits,
    log_power_exponent,
    rational_size,
    rational_value,
    work_clock,
)
from derivcore.expression_messages import ExpressionError, unknown_name_message
from derivcore.expression_tokens import Rewritten, Token
from derivcore.expression_vocabulary import (
    CONSTANTS,
    DECIMAL_EXPONENT,
    FUNCTION_NAMES,
    NUMBER,
    SYMBOL,
)


class _SympyRefused(Exception):
    """SymPy itself refused a combination (for example relu of a complex number)."""


@dataclass(frozen=True)
class _Built:
    expr: sympy.Expr
    value: complex | None  # approximate value of a constant; None if symbolic or undefined



class Builder:
    """Walks the allowlisted AST and builds SymPy objects, refusing what is too large or slow."""

    def __init__(self, text: str, rewritten: Rewritten):
        self.text = text
        self.rewritten = rewritten
        self.approximate = Approximator()
        self.deadline = work_clock() + TIME_BUDGET

    def column(self, node: ast.AST) -> int:
        return self.rewritten.span(node)[0]

    def shown(self, node: ast.AST) -> str:
        start, end = self.rewritten.span(node)
        return self.text[start:end].strip()

    def refuse(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, self.column(node))

    def too_large(self, node: ast.AST) -> ExpressionError:
        return self.refuse(
            node,
            f"The number {self.shown(node)} is too large to work with "
            "(constants must stay below about 1.8e308).",
        )

    def build(self, node: ast.AST, depth: int = 0) -> _Built:
        if depth > MAX_DEPTH:
            raise self.refuse(node, f"The formula is nested too deeply (at most {MAX_DEPTH}).")
        self.check_time()
        try:
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
                return self.sum(node, depth)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
                return self.product(node, depth)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
                return self.power_chain(node, depth)
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
                return self.signed(node, depth)
            if isinstance(node, ast.Constant):
                return self.number(node)
            if isinstance(node, ast.Name):
                return self.name(node)
            if isinstance(node, ast.Call):
                return self.call(node, depth)
        except TooLarge:
            raise self.too_large(node) from None
        except _SympyRefused:
            raise self.refuse(node, f"{self.shown(node)} cannot be worked with.") from None
        except Cancellation:
            raise self.refuse(
                node,
                f"{self.shown(node)} adds up to 0, or so close to 0 that it cannot be decided "
                "exactly: simplify it first.",
            ) from None
        raise self.refuse(node, f"'{self.shown(node)}' is not allowed in a formula.")

    # Sums, products and signs are flattened so that a long sum is not deep recursion.

    def sum(self, node: ast.BinOp, depth: int) -> _Built:
        expr_terms, value = [], 0j
        for negative, term in _chain(node, ast.Add, ast.Sub):
            built = self.build(term, depth + 1)
            expr = built.expr
            expr_terms.append(sympy.Mul(sympy.S.NegativeOne, expr) if negative else expr)
            value = approximate(
                lambda a, b, negative=negative: a - b if negative else a + b, value, built.value
            )
        return self.checked(sympy.Add, expr_terms, value)

    def product(self, node: ast.BinOp, depth: int) -> _Built:
        expr_factors, value = [], 1 + 0j
        for divide, factor in _chain(node, ast.Mult, ast.Div):
            built = self.build(factor, depth + 1)
            if divide:
                expr_factors.append(sympy.Pow(built.expr, sympy.S.NegativeOne))
                value = approximate(lambda a, b: a / b, value, built.value)
            else:
                expr_factors.append(built.expr)
                value = approximate(lambda a, b: a * b, value, built.value)
        return self.checked(sympy.Mul, expr_factors, value)

    def signed(self, node: ast.UnaryOp, depth: int) -> _Built:
        negative = False
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            negative ^= isinstance(node.op, ast.USub)
            node = node.operand
        built = self.build(node, depth + 1)
        if not negative:
            return built
        value = None if built.value is None else -built.value
        return self.checked(sympy.Mul, [sympy.S.NegativeOne, built.expr], value)

    def power_chain(self, node: ast.BinOp, depth: int) -> _Built:
        # a^b^c is a^(b^c): build from the top of the tower down, without recursion.
        tower = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            tower.append(node)
            node = node.right
        result = self.build(node, depth + 1)
        for level in reversed(tower):
            base = self.build(level.left, depth + 1)
            result = self.power(base, result, level.right)
        return result

    def power(self, base: _Built, exponent: _Built, exponent_node: ast.AST) -> _Built:
        """base^exponent, refused before SymPy would compute an astronomically large number."""
        if exponent.value is not None and abs(exponent.value) > MAX_EXPONENT:
            raise self.refuse(
                exponent_node,
                f"The exponent {self.shown(exponent_node)} is too large: keep exponents between "
                f"-{MAX_EXPONENT} and {MAX_EXPONENT}.",
            )
        self.check_log_exponent(exponent.expr, exponent_node)
        if isinstance(exponent.expr, sympy.Rational):
            size = rational_size(base.expr)
            if size > MAX_ROOT_DIGITS and not exponent.expr.is_integer:
                raise self.refuse(
                    exponent_node,
                    f"Roots of numbers with more than {MAX_ROOT_DIGITS} digits are not supported.",
                )
            digits = size * abs(float(exponent.expr))
            if digits > MAX_RESULT_DIGITS:
                raise self.refuse(
                    exponent_node,
                    f"This power would be a number with about {digits:.0f} digits: too large to "
                    "work with.",
                )
        value = approximate(complex_power, base.value, exponent.value)
        return self.checked(sympy.Pow, [base.expr, exponent.expr], value)

    def check_log_exponent(self, exponent: sympy.Expr, node: ast.AST) -> None:
        if log_power_exponent(exponent) > MAX_EXPONENT:
            raise self.refuse(
                node,
                f"{self.shown(node)} is too large to work with: e^(c*log(b)) is b^c, and c must "
                f"stay between -{MAX_EXPONENT} and {MAX_EXPONENT}.",
            )

    def check_time(self) -> None:
        # CPU time of this thread, so that other sessions' work does not count against it.
        if work_clock() > self.deadline:
            raise ExpressionError(
                "This formula takes too long to work with: try a simpler one.", None
            )

    def checked(self, operation: Callable, args: list, value: complex | None) -> _Built:
        """Apply a SymPy constructor and refuse results holding an oversized exact rational."""
        self.check_time()
        try:
            expr = operation(*args)
        except (ArithmeticError, TypeError, ValueError, NotImplementedError) as error:
            raise _SympyRefused from error
        for part in (expr, *expr.args):
            if isinstance(part, sympy.Rational) and (
                max(digits(part.p), digits(part.q)) > MAX_RESULT_DIGITS
            ):
                raise TooLarge
            if isinstance(part, sympy.Pow) and isinstance(part.exp, sympy.Rational) and (
                abs(part.exp) > MAX_EXPONENT  # SymPy adds exponents: (w+1)^900*(w+1)^900
            ):
                raise TooLarge
            if self.approximate.cancels(part):
                raise Cancellation
        return _Built(expr, value)

    # Leaves and calls.

    def number(self, node: ast.Constant) -> _Built:
        token = self.rewritten.numbers.get(node.col_offset)
        if token is None or type(node.value) not in (int, float):
            raise self.refuse(node, f"'{self.shown(node)}' is not allowed in a formula.")
        p, q = _literal(token)
        return _Built(sympy.Rational(p, q), rational_value(p, q))

    def name(self, node: ast.Name) -> _Built:
        if node.id in CONSTANTS:
            expr, value = CONSTANTS[node.id]
            return _Built(expr, complex(value))
        if SYMBOL.fullmatch(node.id):  # the tokeniser already checked `variables`
            return _Built(sympy.Symbol(node.id, real=True), None)
        raise self.refuse(node, unknown_name_message(node.id, called=False))

    def call(self, node: ast.Call, depth: int) -> _Built:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTION_NAMES:
            raise self.refuse(node, f"'{self.shown(node.func)}' is not a known function.")
        name = node.func.id
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.refuse(node, f"{name} takes exactly one argument.")
        argument = self.build(node.args[0], depth + 1)
        return self.function(FUNCTION_NAMES[name], argument, node)

    def function(self, name: str, u: _Built, node: ast.AST) -> _Built:
        if name == "sqrt":
            return self.power(u, _Built(sympy.S.Half, 0.5 + 0j), node)
        if name == "exp":
            self.check_log_exponent(u.expr, node)
            return self.checked(sympy.exp, [u.expr], approximate(cmath.exp, u.value))
        if name == "sigmoid":  # 1/(1 + e^(-u))
            minus_u = self.checked(sympy.Mul, [sympy.S.NegativeOne, u.expr], _negate(u.value))
            e = self.function("exp", minus_u, node)
            one_plus = self.checked(sympy.Add, [sympy.S.One, e.expr], approximate(_inc, e.value))
            return self.checked(
                sympy.Pow, [one_plus.expr, sympy.S.NegativeOne],
                approximate(lambda z: 1 / z, one_plus.value),
            )
        if name == "softplus":  # log(1 + e^u)
            e = self.function("exp", u, node)
            one_plus = self.checked(sympy.Add, [sympy.S.One, e.expr], approximate(_inc, e.value))
            return self.checked(sympy.log, [one_plus.expr], approximate(cmath.log, one_plus.value))
        known = TYPED[name]
        if name == "relu":  # max(0, u)
            return self.checked(
                sympy.Max, [sympy.S.Zero, u.expr], approximate(known.complex, u.value)
            )
        return self.checked(known.sympy, [u.expr], approximate(known.complex, u.value))


def _chain(node: ast.AST, plain: type, inverse: type) -> list[tuple[bool, ast.AST]]:
    """The operands of a left-nested chain such as a − b + c, in reading order, each with whether
    the inverse operation (− or /) applies to it: [(False, a), (True, b), (False, c)]."""
    chain = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, plain | inverse):
        chain.append((isinstance(node.op, inverse), node.right))
        node = node.left
    chain.append((False, node))
    return chain[::-1]


def _negate(value: complex | None) -> complex | None:
    return None if value is None else -value


def _inc(z: complex) -> complex:
    return 1 + z



def _literal(token: Token) -> tuple[int, int]:
    """The exact value of a literal as a fraction p/q: '0.1' is 1/10, '1e-3' is 1/1000."""
    match = NUMBER.match(token.source)
    whole = match.group("int") or ""
    fraction = match.group("frac") or match.group("frac2") or ""
    exponent_match = DECIMAL_EXPONENT.match(token.source, match.end())
    exponent_text = exponent_match.group("exp") if exponent_match else "0"
    significant = (whole + fraction).lstrip("0")
    if len(significant) > MAX_NUMBER_DIGITS:
        raise ExpressionError(
            f"The number {token.source} has too many digits (at most {MAX_NUMBER_DIGITS}).",
            token.start,
        )
    if len(exponent_text.lstrip("+-0")) > 3 or abs(int(exponent_text)) > MAX_DECIMAL_EXPONENT:
        raise ExpressionError(
            f"The power of ten in {token.source} is too large (at most "
            f"{MAX_DECIMAL_EXPONENT}).",
            token.start,
        )
    shift = int(exponent_text) - len(fraction)
    mantissa = int(whole + fraction) if whole + fraction else 0
    if shift >= 0:
        return mantissa * 10**shift, 1
    return mantissa, 10**-shift

