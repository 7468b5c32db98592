"""What a student is told when a formula is refused: `ExpressionError` and its sentences.

Each sentence names what is wrong and, where one is likely, the spelling the student meant
(a close function name, a product of one-letter variables, a forgotten bracket).
"""

import builtins
import difflib
import keyword
import re

from derivcore.expression_vocabulary import CONSTANTS, FUNCTION_NAMES, SYMBOL


class ExpressionError(ValueError):
    """A refused formula: `.message` for the student, `.position` the 0-based column or None."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message



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


_KNOWN_NAMES = sorted([*FUNCTION_NAMES, *CONSTANTS])


def describe_allowed(variables: list[str]) -> str:
    if len(variables) == 1:
        return variables[0]
    return ", ".join(variables[:-1]) + " and " + variables[-1]


def _product_suggestion(name: str) -> str | None:
    """'xy' -> 'x*y', 'piw' -> 'pi*w': a run of one-letter names the student meant to multiply."""
    parts = re.findall(r"pi|[A-Za-z](?:_?[0-9]+)?", name)
    if len(parts) < 2 or "".join(parts) != name:
        return None
    return "*".join(parts)


# Names SymPy writes in derivatives (the derivative page shows them) that a formula cannot use,
# with what to write instead: without this, 'sign' got "did you mean 'sin'?".
_DERIVATIVE_NAMES = {
    "sign": "sign(u) appears in SymPy's derivatives (of abs) but is not accepted in a formula: "
    "write u/abs(u), which equals it wherever u ≠ 0.",
    "heaviside": "Heaviside(u) appears in SymPy's derivatives (of relu) but is not accepted in a "
    "formula: write (1 + u/abs(u))/2, which equals it wherever u ≠ 0.",
}


def unknown_name_message(name: str, called: bool) -> str:
    """A sentence about a name we do not know, with the most likely intended spelling."""
    quoted = f"Unknown name '{name}'"
    if keyword.iskeyword(name):
        return f"'{name}' is a Python keyword, not part of a formula."
    if name.lower() in _DERIVATIVE_NAMES:
        return _DERIVATIVE_NAMES[name.lower()]
    if hasattr(builtins, name) and name.lower() not in FUNCTION_NAMES:
        return f"'{name}' is Python, not part of a formula."
    if re.fullmatch(r"e_?[0-9]+", name):
        return f"'{name}' is not a variable name, because e is Euler's number: try w1 or x1."
    if name.lower() in FUNCTION_NAMES or name.lower() in CONSTANTS:
        return f"{quoted} — did you mean '{name.lower()}'? Function names are lower-case."
    if called:
        close = difflib.get_close_matches(name.lower(), list(FUNCTION_NAMES), n=1, cutoff=0.6)
        if close:
            return f"{quoted} — did you mean '{close[0]}'?"
        product = _product_suggestion(name)
        if product:
            return f"{quoted} — for a product write {product}*( ... )."
        return f"Unknown function '{name}'. Known ones: sin, cos, tan, exp, log, sqrt, abs, ..."
    for function in sorted(FUNCTION_NAMES, key=len, reverse=True):
        rest = name[len(function):]
        if name.startswith(function) and rest and (
            SYMBOL.fullmatch(rest) or rest in CONSTANTS or rest.isdigit()
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


def number_only_message(name: str) -> str:
    return f"Only a number is expected here (such as 3, -0.5 or pi/4); found '{name}'."



def character_message(text: str, i: int, tokens: list) -> str:
    """Why the character at column i cannot be in a formula (`tokens`: those before it)."""
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



def empty_message(variables: list[str] | None) -> str:
    if variables == []:
        return "Type a number, for example 3 or pi/4."
    name = variables[0] if variables else "w"
    return f"Type a function of {name}, for example {name}^2."


