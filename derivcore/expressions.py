"""Reading a formula a student types into a SymPy expression, safely.

The text never reaches `eval`, `exec`, `sympify` or `parse_expr`. It goes through three steps:

1. Our own tokeniser reads the text character by character, keeping each token's column in the
   original text. It maps pasted Unicode (², π, ·, −, ...) and `^` to Python's spelling, inserts
   the `*` of implicit multiplication (`2w`, `(w-1)(w+2)`, `2sin(w)`), and refuses anything that
   is not part of a formula with a message and a column.
2. Python's `ast.parse(..., mode="eval")` reads the rewritten text; it only settles precedence
   (`-w^2` is -(w^2), `w^-1`, `2^3^2` is 2^(3^2)).
3. A walk over an allowlist of node types builds the SymPy tree directly (Add, Mul, Pow, Integer,
   Rational, sin, ...). Numbers come from the token text, so 0.1 is exactly 1/10.

Everything an attacker controls is bounded before SymPy is asked to do it, because SymPy
evaluates as it builds: `Integer(9)**387420489` is computed on the spot, exp(10^9*log(9)) becomes
9^(10^9), and deciding the sign of a sum that is exactly 0 takes it ~50 ms. So the text's length,
the node count, the nesting, the digits of literals, the size of exponents, the size of every
constant (finite in float64; exact rationals at most MAX_RESULT_DIGITS digits), and an estimate of
SymPy's work (function calls, roots, towers) are all limited, with a CPU-time budget as the last
line of defence. Any input of up to MAX_LENGTH characters is answered in well under 50 ms; run
bench/parse_worst_case.py for the numbers.
"""

import ast
import builtins
import cmath
import difflib
import gc
import keyword
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sympy

MAX_LENGTH = 300  # characters of user text
MAX_NODES = 300  # expression nodes after parsing
MAX_DEPTH = 40  # depth of the tree walk (sums, products and sign chains count once)
MAX_BRACKET_DEPTH = 20
MAX_NUMBER_DIGITS = 50  # significant digits of one literal
MAX_DECIMAL_EXPONENT = 400  # |n| in a literal such as 1e-n
MAX_EXPONENT = 1000  # |p| of any constant exponent: w^1000 is fine, (w+1)^(10^7) is not
MAX_RESULT_DIGITS = 400  # digits of numerator or denominator of an exact rational constant
MAX_POWER_NESTING = 3  # powers inside exponents: w^x^y^z is as far as it goes
MAX_WORK = 12  # SymPy work units (about 1 ms each with a cold cache), see _check_size
MAX_ROOT_DIGITS = 40  # digits of a number whose root SymPy would try to simplify
TIME_BUDGET = 0.035  # CPU seconds of SymPy work for one formula: the last line of defence
# A sum of constants this much smaller than its terms is taken to be an exact 0 that SymPy cannot
# see (sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6))): deciding its sign costs SymPy ~50 ms each time.
CANCELLATION = 1e-12


class ExpressionError(ValueError):
    """A refused formula: `.message` for the student, `.position` the 0-based column or None."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


# --- the vocabulary -------------------------------------------------------------------------

_SYMBOL = re.compile(r"[a-df-zA-Z](?:_?[0-9]+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_NUMBER = re.compile(r"(?P<int>[0-9]+)\.?(?P<frac>[0-9]*)|\.(?P<frac2>[0-9]+)", re.ASCII)
_DECIMAL_EXPONENT = re.compile(r"[eE](?P<exp>[+-]?[0-9]+)", re.ASCII)

_CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}

# Function name -> canonical name (the one the builders below know).
_FUNCTION_NAMES = {
    **{name: name for name in (
        "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
        "exp", "log", "sqrt", "abs", "sigmoid", "softplus", "relu",
    )},
    "ln": "log",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
}

_KNOWN_NAMES = sorted([*_FUNCTION_NAMES, *_CONSTANTS])

# What a call costs SymPy, in units of sin(w) (about 1 ms with a cold cache); default 1.
_CALL_WORK = {"abs": 2, "relu": 3, "sigmoid": 3, "softplus": 4}

_SUPERSCRIPT_DIGITS = {ch: str(d) for d, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_SUPERSCRIPT_SIGNS = {"⁻": "-", "⁺": "+"}

# Pasted characters that mean an ASCII operator or bracket.
_UNICODE_OPERATORS = {
    "·": "*", "×": "*", "⋅": "*", "∙": "*", "∗": "*",
    "−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "﹣": "-", "－": "-",
    "÷": "/", "∕": "/", "＋": "+", "（": "(", "）": ")",
}
_UNICODE_NAMES = {"π": "pi", "√": "sqrt"}

_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # pasted from web pages; skipped like spaces

# Characters that are never part of a formula, with the reason a student would want.
_CHARACTER_MESSAGES = {
    "=": "Type only the formula, without '=' (for example w^2, not J(w) = w^2).",
    "<": "Comparisons such as < and > are not allowed: type a formula such as w^2.",
    ">": "Comparisons such as < and > are not allowed: type a formula such as w^2.",
    "!": "Factorials (!) and '!=' are not supported.",
    "'": "Quotes are not allowed: type the formula itself, for example w^2.",
    '"': "Quotes are not allowed: type the formula itself, for example w^2.",
    ";": "Type a single formula: ';' is not allowed.",
    "|": "Write abs(w) for the absolute value |w|.",
    "{": "Use round brackets ( ) for grouping.",
    "}": "Use round brackets ( ) for grouping.",
    "%": "'%' is not supported: write /100 for a percentage.",
    "\\": "LaTeX commands are not supported: type sin(w), sqrt(w) or (a)/(b).",
    ":": "':' is not allowed in a formula.",
    "#": "'#' is not allowed in a formula.",
}


# --- tokens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "(", ")", ","
    text: str  # as written into the rewritten Python text ("**" for ^ and ²)
    start: int  # column in the original text
    end: int  # column just after it in the original text
    source: str  # the characters as the student typed them (for messages)
    name_kind: str = ""  # for names: "symbol", "constant" or "function"


def _describe_allowed(variables: list[str]) -> str:
    if len(variables) == 1:
        return variables[0]
    return ", ".join(variables[:-1]) + " and " + variables[-1]


def _product_suggestion(name: str) -> str | None:
    """'xy' -> 'x*y', 'piw' -> 'pi*w': a run of one-letter names the student meant to multiply."""
    parts = re.findall(r"pi|[A-Za-z](?:_?[0-9]+)?", name)
    if len(parts) < 2 or "".join(parts) != name:
        return None
    return "*".join(parts)


def _unknown_name_message(name: str, called: bool) -> str:
    """A sentence about a name we do not know, with the most likely intended spelling."""
    quoted = f"Unknown name '{name}'"
    if keyword.iskeyword(name):
        return f"'{name}' is a Python keyword, not part of a formula."
    if hasattr(builtins, name) and name.lower() not in _FUNCTION_NAMES:
        return f"'{name}' is Python, not part of a formula."
    if re.fullmatch(r"e_?[0-9]+", name):
        return f"'{name}' is not a variable name, because e is Euler's number: try w1 or x1."
    if name.lower() in _FUNCTION_NAMES or name.lower() in _CONSTANTS:
        return f"{quoted} — did you mean '{name.lower()}'? Function names are lower-case."
    if called:
        close = difflib.get_close_matches(name.lower(), list(_FUNCTION_NAMES), n=1, cutoff=0.6)
        if close:
            return f"{quoted} — did you mean '{close[0]}'?"
        product = _product_suggestion(name)
        if product:
            return f"{quoted} — for a product write {product}*( ... )."
        return f"Unknown function '{name}'. Known ones: sin, cos, tan, exp, log, sqrt, abs, ..."
    for function in sorted(_FUNCTION_NAMES, key=len, reverse=True):
        rest = name[len(function):]
        if name.startswith(function) and rest and (
            _SYMBOL.fullmatch(rest) or rest in _CONSTANTS or rest.isdigit()
            or _product_suggestion(rest)
        ):
            return f"{quoted} — did you mean {function}({rest})?"
    product = _product_suggestion(name)
    close = difflib.get_close_matches(name.lower(), _KNOWN_NAMES, n=1, cutoff=0.6)
    if product and close:
        return f"{quoted} — for a product write {product} (or did you mean '{close[0]}'?)."
    if product:
        return f"{quoted} — for a product write {product}."
    if close:
        return f"{quoted} — did you mean '{close[0]}'?"
    return (
        f"{quoted}. Variables are single letters such as w or x (optionally with digits: w1, "
        "w_2); functions include sin, cos, exp, log and sqrt."
    )


def _number_only_message(name: str) -> str:
    return f"Only a number is expected here (such as 3, -0.5 or pi/4); found '{name}'."


def _classify_name(name: str, start: int, called: bool, variables: list[str] | None) -> str:
    if name in _FUNCTION_NAMES:
        return "function"
    if name in _CONSTANTS:
        return "constant"
    if variables == [] and name.lower() not in _FUNCTION_NAMES and name.lower() not in _CONSTANTS:
        # A point or a step: advice about writing products of variables would mislead here.
        raise ExpressionError(_number_only_message(name), start)
    if not _SYMBOL.fullmatch(name):
        raise ExpressionError(_unknown_name_message(name, called), start)
    if variables is not None and name not in variables:
        if not variables:
            raise ExpressionError(_number_only_message(name), start)
        raise ExpressionError(
            f"This function may only use {_describe_allowed(variables)}; found {name}.", start
        )
    return "symbol"


def _next_visible(text: str, index: int) -> str:
    while index < len(text) and text[index].isspace():
        index += 1
    return text[index] if index < len(text) else ""


def _scan(text: str, variables: list[str] | None) -> list[_Token]:
    """Split the text into tokens, mapping Unicode to ASCII and refusing foreign characters."""
    tokens: list[_Token] = []
    last_visible = max((i for i, ch in enumerate(text) if not ch.isspace()), default=-1)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _LINE_BREAKS and 0 < i < last_visible and text[:i].strip():
            raise ExpressionError("Type the formula on one line.", i)
        if ch.isspace() or ch in _ZERO_WIDTH:
            i += 1
            continue
        number = _NUMBER.match(text, i) if ch.isascii() and (ch.isdigit() or ch == ".") else None
        if number:
            tokens.append(_number_token(text, number))
            i = tokens[-1].end
            if text[i:i + 1] == ".":
                raise ExpressionError("A number can have only one decimal point.", i)
            continue
        name = _NAME.match(text, i) if ch.isascii() else None
        if name:
            word = name.group()
            called = _next_visible(text, name.end()) in ("(", "（")
            kind = _classify_name(word, i, called, variables)
            tokens.append(_Token("name", word, i, name.end(), word, kind))
            i = name.end()
            continue
        if ch in _UNICODE_NAMES:
            word = _UNICODE_NAMES[ch]
            kind = "function" if word in _FUNCTION_NAMES else "constant"
            tokens.append(_Token("name", word, i, i + 1, ch, kind))
            i += 1
            continue
        if ch in _SUPERSCRIPT_DIGITS or ch in _SUPERSCRIPT_SIGNS:
            i = _superscript_tokens(text, i, tokens)
            continue
        if text.startswith("**", i):
            tokens.append(_Token("op", "**", i, i + 2, "**"))
            i += 2
            continue
        symbol = _UNICODE_OPERATORS.get(ch, ch)
        if symbol in "+-*/^(),":
            kind = symbol if symbol in "()," else "op"
            tokens.append(_Token(kind, "**" if symbol == "^" else symbol, i, i + 1, ch))
            i += 1
            continue
        raise ExpressionError(_character_message(text, i, tokens), i)
    return tokens


def _character_message(text: str, i: int, tokens: list[_Token]) -> str:
    ch = text[i]
    if ch == ".":
        return "'.' may only be a decimal point (attribute access such as w.real is not allowed)."
    if ch in "[]":
        if ch == "[" and tokens and tokens[-1].kind in ("name", ")"):
            return "Indexing with [ ] is not allowed: write w1 or w_1 for a numbered variable."
        return "Use round brackets ( ) for grouping."
    if ch in _CHARACTER_MESSAGES:
        return _CHARACTER_MESSAGES[ch]
    if not ch.isprintable():
        return f"The invisible character U+{ord(ch):04X} is not allowed in a formula."
    if ch.isalpha():
        return f"'{ch}' is not allowed: use Latin letters such as w, x or b for variables."
    return f"The character '{ch}' is not allowed in a formula."


def _number_token(text: str, match: re.Match) -> _Token:
    start, end = match.span()
    exponent = _DECIMAL_EXPONENT.match(text, end)
    if exponent:
        end = exponent.end()
    source = text[start:end]
    # Python refuses leading zeros in integers ('007'); the walk reads the digits from `source`.
    digits = match.group("int")
    normal = source if digits is None else (digits.lstrip("0") or "0") + source[len(digits):]
    return _Token("number", normal, start, end, source)


def _superscript_tokens(text: str, i: int, tokens: list[_Token]) -> int:
    """'w²' is w**2 and 'w⁻¹' is w**(-1): one run of superscripts is one exponent."""
    start = i
    sign = ""
    if text[i] in _SUPERSCRIPT_SIGNS:
        sign = _SUPERSCRIPT_SIGNS[text[i]]
        i += 1
    digits = ""
    while i < len(text) and text[i] in _SUPERSCRIPT_DIGITS:
        digits += _SUPERSCRIPT_DIGITS[text[i]]
        i += 1
    source = text[start:i]
    if not digits:
        raise ExpressionError(
            "A superscript sign must be followed by superscript digits, as in w⁻¹.", start
        )
    tokens.append(_Token("op", "**", start, i, source))
    if sign:
        tokens.append(_Token("(", "(", start, i, source))
        tokens.append(_Token("op", sign, start, i, source))
    tokens.append(_Token("number", digits.lstrip("0") or "0", start, i, digits))
    if sign:
        tokens.append(_Token(")", ")", start, i, source))
    return i


# --- structure: implicit multiplication, brackets, misplaced operators ---------------------

def _ends_operand(token: _Token) -> bool:
    return token.kind in ("number", ")") or (token.kind == "name" and token.name_kind != "function")


def _starts_operand(token: _Token) -> bool:
    return token.kind in ("number", "name", "(")


def _shown(token: _Token) -> str:
    return token.source if token.source.strip() else token.text


def _check_function_call(function: _Token, following: _Token | None) -> None:
    if following is not None and following.kind == "(":
        return
    name = function.source
    if following is not None and following.text == "**":
        message = f"Put the argument of {name} in brackets first: {name}(w)^2, not {name}^2(w)."
    elif following is not None and following.kind in ("number", "name"):
        message = f"{name} needs brackets around its argument: {name}({_shown(following)})."
    else:
        message = f"{name} needs an argument in brackets, for example {name}(w)."
    raise ExpressionError(message, function.start)


def _structure(tokens: list[_Token], empty_message: str) -> list[_Token]:
    """Insert implicit `*`, check brackets and operator placement; return the final tokens."""
    if not tokens:
        raise ExpressionError(empty_message, 0)
    out: list[_Token] = []
    open_brackets: list[tuple[_Token, _Token | None]] = []  # ( and the function it belongs to
    previous: _Token | None = None
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "name" and token.name_kind == "function":
            _check_function_call(token, following)
        if previous is not None and _ends_operand(previous) and _starts_operand(token):
            if previous.kind == "number" and token.kind == "number":
                raise ExpressionError(
                    f"Two numbers in a row: put an operator between {_shown(previous)} and "
                    f"{_shown(token)}, for example {_shown(previous)}*{_shown(token)}.",
                    token.start,
                )
            out.append(_Token("op", "*", token.start, token.start, ""))
        if token.kind == "op" and token.text in ("*", "/", "**"):
            _check_binary_operator(previous, token)
        elif token.kind == ")":
            _check_closing(previous, token, open_brackets)
            open_brackets.pop()
        elif token.kind == "(":
            function = previous if previous and previous.name_kind == "function" else None
            open_brackets.append((token, function))
            if len(open_brackets) > MAX_BRACKET_DEPTH:
                raise ExpressionError(
                    f"Too many nested brackets (at most {MAX_BRACKET_DEPTH} levels).", token.start
                )
        elif token.kind == ",":
            function = open_brackets[-1][1] if open_brackets else None
            if function is not None:
                raise ExpressionError(f"{function.source} takes exactly one argument.", token.start)
            raise ExpressionError(
                "Commas are not allowed; for a decimal use a point, for example 0.5.", token.start
            )
        out.append(token)
        previous = token
    if previous.kind == "op":
        raise ExpressionError(
            f"The formula ends with '{_shown(previous)}': something is missing after it.",
            previous.start,
        )
    if open_brackets:
        raise ExpressionError("This '(' is never closed.", open_brackets[-1][0].start)
    return out


def _check_binary_operator(previous: _Token | None, token: _Token) -> None:
    shown = _shown(token)
    if previous is None:
        raise ExpressionError(f"The formula cannot start with '{shown}'.", token.start)
    if previous.kind == "(":
        raise ExpressionError(f"'{shown}' cannot follow '('.", token.start)
    if previous.kind == "op":
        if previous.text == token.text == "/":
            raise ExpressionError("Use a single '/' for division.", token.start)
        raise ExpressionError(f"'{shown}' cannot follow '{_shown(previous)}'.", token.start)


def _check_closing(previous: _Token | None, token: _Token, open_brackets: list) -> None:
    if not open_brackets:
        raise ExpressionError("This ')' has no matching '('.", token.start)
    if previous is not None and previous.kind == "(":
        raise ExpressionError("Empty brackets: put something inside ( ).", previous.start)
    if previous is not None and previous.kind == "op":
        raise ExpressionError(
            f"Something is missing after '{_shown(previous)}'.", previous.start
        )


@dataclass(frozen=True)
class _Rewritten:
    """The Python text, with the original column range of each of its characters."""

    code: str
    starts: list[int]
    ends: list[int]
    numbers: dict[int, _Token]  # code column -> number token

    def span(self, node: ast.AST) -> tuple[int, int]:
        first = node.col_offset
        last = max(first, node.end_col_offset - 1)
        return self.starts[first], self.ends[last]


def _rewrite(tokens: list[_Token]) -> _Rewritten:
    code: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    numbers: dict[int, _Token] = {}
    for token in tokens:
        if code:  # a space keeps tokens such as '2' and 'w' apart for Python
            code.append(" ")
            starts.append(token.start)
            ends.append(token.end)
        if token.kind == "number":
            numbers[len(starts)] = token
        for _ in token.text:
            starts.append(token.start)
            ends.append(token.end)
        code.append(token.text)
    return _Rewritten("".join(code), starts, ends, numbers)


# --- bounds on the parsed tree -----------------------------------------------------------

def _is_integer_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def _check_size(tree: ast.Expression, rewritten: _Rewritten) -> None:
    """Refuse trees whose SymPy construction would be slow, before building anything.

    Besides the node count, this adds up the work SymPy does with a cold cache, in units of about
    1 ms: a function call costs 1 (abs 2, relu and sigmoid 3, softplus 4), a power whose exponent
    is not a plain integer costs 1 plus the number of exponents it sits inside (roots and
    towers make SymPy factor numbers and query assumptions). Sums, products and integer powers
    are cheap and only count as nodes.
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
                    rewritten.starts[node.right.col_offset],
                )
            if not _is_integer_literal(node.right):
                work += 1 + nesting
            # Pushed right first so that nodes are visited in reading order, and the column of
            # the refusal is where the budget ran out as the student reads the formula.
            stack.append((node.right, nesting + 1))
            stack.append((node.left, nesting))
        else:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                work += _CALL_WORK.get(_FUNCTION_NAMES.get(node.func.id, ""), 1)
            children = list(ast.iter_child_nodes(node))
            stack.extend((child, nesting) for child in reversed(children))
        if work > MAX_WORK:
            raise ExpressionError(
                "The formula is too complicated to work with quickly (too many functions, roots "
                "or powers); try a simpler one.",
                rewritten.starts[node.col_offset],
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


def _work_clock() -> float:
    """CPU seconds used by this thread outside the garbage collector."""
    return time.thread_time() - getattr(_collector_time, "total", 0.0)


# --- building the SymPy tree --------------------------------------------------------------

class _TooLarge(Exception):
    """A constant's approximate value overflowed float64."""


class _Cancellation(Exception):
    """A sum of constants that is 0, or too close to 0 for SymPy to decide cheaply."""


class _SympyRefused(Exception):
    """SymPy itself refused a combination (for example relu of a complex number)."""


@dataclass(frozen=True)
class _Built:
    expr: sympy.Expr
    value: complex | None  # approximate value of a constant; None if symbolic or undefined


def _approximate(function: Callable, *args: complex | None) -> complex | None:
    """The value of a constant in complex floating point, to bound sizes before SymPy works."""
    if any(arg is None for arg in args):
        return None
    try:
        value = complex(function(*args))
    except (ZeroDivisionError, ValueError):
        return None  # SymPy makes zoo or nan here, which are harmless
    except OverflowError as error:
        raise _TooLarge from error
    if not cmath.isfinite(value):
        raise _TooLarge
    return value


def _rational_value(p: int, q: int) -> complex:
    try:
        return complex(p / q)
    except OverflowError as error:
        raise _TooLarge from error


def _digits(n: int) -> float:
    return math.log10(abs(n)) if n else 0.0


def _rational_size(expr: sympy.Expr) -> float:
    """Upper bound on the digits SymPy may compute when it raises `expr` to a power of 1.

    SymPy evaluates powers of rationals exactly, and also of products and powers of rationals:
    (2*3^(1/2))^1000 becomes 2^1000*3^500. Other shapes (sums, functions) stay unevaluated.
    """
    if isinstance(expr, sympy.Rational):
        return max(_digits(expr.p), _digits(expr.q))
    if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Rational):
        return abs(float(expr.exp)) * _rational_size(expr.base)
    if isinstance(expr, sympy.Mul):
        return sum(_rational_size(arg) for arg in expr.args)
    return 0.0


def _log_power_exponent(expr: sympy.Expr) -> float:
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


class _Approximator:
    """Complex floating-point values of SymPy constants, remembered for one parse."""

    def __init__(self) -> None:
        self.known: dict[sympy.Expr, complex | None] = {}

    def __call__(self, expr: sympy.Expr) -> complex | None:
        if expr not in self.known:
            self.known[expr] = self.compute(expr)
        return self.known[expr]

    def compute(self, expr: sympy.Expr) -> complex | None:
        if isinstance(expr, sympy.Rational):
            if max(_digits(expr.p), _digits(expr.q)) > 300:
                return None
            return complex(expr.p / expr.q)
        if expr in _EXACT_CONSTANTS:
            return _EXACT_CONSTANTS[expr]
        if isinstance(expr, sympy.Add):
            combine = _sum
        elif isinstance(expr, sympy.Mul):
            combine = _product
        elif isinstance(expr, sympy.Pow):
            combine = _complex_power
        elif type(expr) in _SYMPY_APPROXIMATIONS:
            combine = _SYMPY_APPROXIMATIONS[type(expr)]
        else:
            return None
        try:
            return _approximate(combine, *(self(arg) for arg in expr.args))
        except _TooLarge:
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


class _Builder:
    """Walks the allowlisted AST and builds SymPy objects, refusing what is too large or slow."""

    def __init__(self, text: str, rewritten: _Rewritten):
        self.text = text
        self.rewritten = rewritten
        self.approximate = _Approximator()
        self.deadline = _work_clock() + TIME_BUDGET

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
        except _TooLarge:
            raise self.too_large(node) from None
        except _SympyRefused:
            raise self.refuse(node, f"{self.shown(node)} cannot be worked with.") from None
        except _Cancellation:
            raise self.refuse(
                node,
                f"{self.shown(node)} adds up to 0, or so close to 0 that it cannot be decided "
                "exactly: simplify it first.",
            ) from None
        raise self.refuse(node, f"'{self.shown(node)}' is not allowed in a formula.")

    # Sums, products and signs are flattened so that a long sum is not deep recursion.

    def sum(self, node: ast.BinOp, depth: int) -> _Built:
        signed_terms = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            signed_terms.append((isinstance(node.op, ast.Sub), node.right))
            node = node.left
        signed_terms.append((False, node))
        expr_terms, value = [], 0j
        for negative, term in reversed(signed_terms):
            built = self.build(term, depth + 1)
            expr = built.expr
            expr_terms.append(sympy.Mul(sympy.S.NegativeOne, expr) if negative else expr)
            value = _approximate(
                lambda a, b, negative=negative: a - b if negative else a + b, value, built.value
            )
        return self.checked(sympy.Add, expr_terms, value)

    def product(self, node: ast.BinOp, depth: int) -> _Built:
        factors = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
            factors.append((isinstance(node.op, ast.Div), node.right))
            node = node.left
        factors.append((False, node))
        expr_factors, value = [], 1 + 0j
        for divide, factor in reversed(factors):
            built = self.build(factor, depth + 1)
            if divide:
                expr_factors.append(sympy.Pow(built.expr, sympy.S.NegativeOne))
                value = _approximate(lambda a, b: a / b, value, built.value)
            else:
                expr_factors.append(built.expr)
                value = _approximate(lambda a, b: a * b, value, built.value)
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
            size = _rational_size(base.expr)
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
        value = _approximate(_complex_power, base.value, exponent.value)
        return self.checked(sympy.Pow, [base.expr, exponent.expr], value)

    def check_log_exponent(self, exponent: sympy.Expr, node: ast.AST) -> None:
        if _log_power_exponent(exponent) > MAX_EXPONENT:
            raise self.refuse(
                node,
                f"{self.shown(node)} is too large to work with: e^(c*log(b)) is b^c, and c must "
                f"stay between -{MAX_EXPONENT} and {MAX_EXPONENT}.",
            )

    def check_time(self) -> None:
        # CPU time of this thread, so that other sessions' work does not count against it.
        if _work_clock() > self.deadline:
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
                max(_digits(part.p), _digits(part.q)) > MAX_RESULT_DIGITS
            ):
                raise _TooLarge
            if isinstance(part, sympy.Pow) and isinstance(part.exp, sympy.Rational) and (
                abs(part.exp) > MAX_EXPONENT  # SymPy adds exponents: (w+1)^900*(w+1)^900
            ):
                raise _TooLarge
            if self.approximate.cancels(part):
                raise _Cancellation
        return _Built(expr, value)

    # Leaves and calls.

    def number(self, node: ast.Constant) -> _Built:
        token = self.rewritten.numbers.get(node.col_offset)
        if token is None or type(node.value) not in (int, float):
            raise self.refuse(node, f"'{self.shown(node)}' is not allowed in a formula.")
        p, q = _literal(token)
        return _Built(sympy.Rational(p, q), _rational_value(p, q))

    def name(self, node: ast.Name) -> _Built:
        if node.id in _CONSTANTS:
            expr, value = _CONSTANTS[node.id]
            return _Built(expr, complex(value))
        if _SYMBOL.fullmatch(node.id):  # the tokeniser already checked `variables`
            return _Built(sympy.Symbol(node.id, real=True), None)
        raise self.refuse(node, _unknown_name_message(node.id, called=False))

    def call(self, node: ast.Call, depth: int) -> _Built:
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTION_NAMES:
            raise self.refuse(node, f"'{self.shown(node.func)}' is not a known function.")
        name = node.func.id
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.refuse(node, f"{name} takes exactly one argument.")
        argument = self.build(node.args[0], depth + 1)
        return self.function(_FUNCTION_NAMES[name], argument, node)

    def function(self, name: str, u: _Built, node: ast.AST) -> _Built:
        if name == "sqrt":
            return self.power(u, _Built(sympy.S.Half, 0.5 + 0j), node)
        if name == "exp":
            self.check_log_exponent(u.expr, node)
            return self.checked(sympy.exp, [u.expr], _approximate(cmath.exp, u.value))
        if name == "sigmoid":  # 1/(1 + e^(-u))
            minus_u = self.checked(sympy.Mul, [sympy.S.NegativeOne, u.expr], _negate(u.value))
            e = self.function("exp", minus_u, node)
            one_plus = self.checked(sympy.Add, [sympy.S.One, e.expr], _approximate(_inc, e.value))
            return self.checked(
                sympy.Pow, [one_plus.expr, sympy.S.NegativeOne],
                _approximate(lambda z: 1 / z, one_plus.value),
            )
        if name == "softplus":  # log(1 + e^u)
            e = self.function("exp", u, node)
            one_plus = self.checked(sympy.Add, [sympy.S.One, e.expr], _approximate(_inc, e.value))
            return self.checked(sympy.log, [one_plus.expr], _approximate(cmath.log, one_plus.value))
        if name == "relu":  # max(0, u)
            return self.checked(sympy.Max, [sympy.S.Zero, u.expr], _approximate(_relu, u.value))
        sympy_function, approximation = _ELEMENTARY[name]
        return self.checked(sympy_function, [u.expr], _approximate(approximation, u.value))


def _negate(value: complex | None) -> complex | None:
    return None if value is None else -value


def _inc(z: complex) -> complex:
    return 1 + z


def _relu(z: complex) -> complex:
    if z.imag:
        raise ValueError("relu of a complex number")
    return complex(max(0.0, z.real))


def _complex_power(base: complex, exponent: complex) -> complex:
    if base.imag == 0 and exponent.imag == 0 and base.real > 0:
        return complex(base.real**exponent.real)
    return base**exponent


_ELEMENTARY = {
    "sin": (sympy.sin, cmath.sin),
    "cos": (sympy.cos, cmath.cos),
    "tan": (sympy.tan, cmath.tan),
    "asin": (sympy.asin, cmath.asin),
    "acos": (sympy.acos, cmath.acos),
    "atan": (sympy.atan, cmath.atan),
    "sinh": (sympy.sinh, cmath.sinh),
    "cosh": (sympy.cosh, cmath.cosh),
    "tanh": (sympy.tanh, cmath.tanh),
    "log": (sympy.log, cmath.log),
    "abs": (sympy.Abs, abs),
}


_EXACT_CONSTANTS = {sympy.pi: complex(math.pi), sympy.E: complex(math.e), sympy.I: 1j}
_SYMPY_APPROXIMATIONS: dict[type, Callable] = {
    **{function: approximation for function, approximation in _ELEMENTARY.values()},
    sympy.exp: cmath.exp,
    sympy.Max: lambda *args: max(_real(arg) for arg in args),
}


def _real(z: complex) -> float:
    if z.imag:
        raise ValueError("not a real number")
    return z.real


def _literal(token: _Token) -> tuple[int, int]:
    """The exact value of a literal as a fraction p/q: '0.1' is 1/10, '1e-3' is 1/1000."""
    match = _NUMBER.match(token.source)
    whole = match.group("int") or ""
    fraction = match.group("frac") or match.group("frac2") or ""
    exponent_match = _DECIMAL_EXPONENT.match(token.source, match.end())
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


# --- the public functions ---------------------------------------------------------------

def _empty_message(variables: list[str] | None) -> str:
    if variables == []:
        return "Type a number, for example 3 or pi/4."
    name = variables[0] if variables else "w"
    return f"Type a function of {name}, for example {name}^2."


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
    tokens = _structure(_scan(text, variables), _empty_message(variables))
    rewritten = _rewrite(tokens)
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
    _check_size(tree, rewritten)
    try:
        built = _Builder(text, rewritten).build(tree.body)
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
