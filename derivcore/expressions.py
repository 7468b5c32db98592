"""Reading a formula a student types into a SymPy expression, safely.

The text never reaches `eval`, `exec`, `sympify` or `parse_expr`. It goes through three steps:

1. Our own tokeniser (`expression_tokens`) reads the text character by character, keeping each
   token's column in the original text. It maps pasted Unicode (², π, ·, −, ...) and `^` to
   Python's spelling, inserts the `*` of implicit multiplication (`2w`, `(w-1)(w+2)`,
   `2sin(w)`), and refuses anything that is not part of a formula with a message and a column.
2. Python's `ast.parse(..., mode="eval")` reads the rewritten text; it only settles precedence
   (`-w^2` is -(w^2), `w^-1`, `2^3^2` is 2^(3^2)).
3. A walk over an allowlist of node types (`expression_builder`) builds the SymPy tree directly
   (Add, Mul, Pow, Integer, Rational, sin, ...). Numbers come from the token text, so 0.1 is
   exactly 1/10.

Everything an attacker controls is bounded before SymPy is asked to do it (`expression_limits`),
with a CPU-time budget as the last line of defence. Any input of up to MAX_LENGTH characters is
answered in well under 50 ms; run bench/parse_worst_case.py for the numbers. Refusals are
`ExpressionError`s with a sentence for the student (`expression_messages`).
"""

import ast
import threading

import sympy

from derivcore.expression_builder import Builder
from derivcore.expression_limits import MAX_LENGTH, check_size
from derivcore.expression_messages import ExpressionError, empty_message
from derivcore.expression_tokens import rewrite, scan, structure

_AST_LOCK = threading.Lock()


def _python_tree(code: str) -> ast.Expression:
    """ast.parse in eval mode, one thread at a time.

    CPython 3.11's parser can fail with "AST constructor recursion depth mismatch" when two
    threads parse at once (gh-106905); Streamlit runs every session in its own thread and also
    compiles page scripts, which the lock cannot cover, so a SystemError is retried once."""
    with _AST_LOCK:
        try:
            return ast.parse(code, mode="eval")
        except SystemError:
            pass
        try:
            return ast.parse(code, mode="eval")
        except SystemError:
            raise ExpressionError(
                "The server could not read this formula just now: please try again.", None
            ) from None


def parse(text: str, variables: list[str] | None = None) -> sympy.Expr:
    """The SymPy expression for a formula typed by a student, or ExpressionError.

    `variables` lists the symbol names allowed (None: any single letter but e, with optional
    digits; []: numbers only). Symbols are `Symbol(name, real=True)`; ln and log are the natural
    log; sigmoid(u) = 1/(1 + e^-u), softplus(u) = log(1 + e^u), relu(u) = Max(0, u).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text, not {type(text).__name__}")
    if variables is not None:
        variables = list(variables)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The formula is too long ({len(text)} characters; at most {MAX_LENGTH}).", MAX_LENGTH
        )
    tokens = structure(scan(text, variables), empty_message(variables))
    rewritten = rewrite(tokens)
    try:
        tree = _python_tree(rewritten.code)
    except SyntaxError as error:
        column = (error.offset or 1) - 1
        position = rewritten.starts[min(column, len(rewritten.starts) - 1)]
        raise ExpressionError(
            "This formula cannot be read here: check the operators.", position
        ) from None
    except ExpressionError:
        raise  # the parser race's own message (an ExpressionError is a ValueError too)
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("The formula is nested too deeply.", None) from None
    check_size(tree, rewritten.starts)
    try:
        built = Builder(text, rewritten).build(tree.body)
    except RecursionError:
        raise ExpressionError("The formula is nested too deeply.", None) from None
    return built.expr


def free_variable_names(expr: sympy.Expr) -> list[str]:
    """Sorted names of the free symbols of `expr` ('w', 'x', ...)."""
    return sorted(symbol.name for symbol in expr.free_symbols)


def _warm_up() -> None:
    """Pay SymPy's one-off set-up costs (about 30 ms) at import, not out of a student's budget."""
    parse("sin(w) + cos(w) + tan(w) + asin(w) + acos(w) + atan(w) + sinh(w) + cosh(w)")
    parse("tanh(w) + exp(w) + log(w) + sqrt(w) + sigmoid(w) + softplus(w)")
    parse("relu(w) + abs(w) + 2^(1/3) + sqrt(2) + pi")


_warm_up()
