"""The tokeniser: a student's text, character by character, into Python's spelling of it.

Pasted Unicode (², π, ·, −, ...) and `^` are mapped to Python's spelling, the `*` of implicit
multiplication is inserted (`2w`, `(w-1)(w+2)`, `2sin(w)`), brackets and operators are checked,
and anything that is not part of a formula is refused with a message and a column. Every token
keeps its column in the original text, so later refusals can point at what the student typed.
"""

import ast
import re
from dataclasses import dataclass

from derivcore.expression_limits import MAX_BRACKET_DEPTH
from derivcore.expression_messages import (
    ExpressionError,
    character_message,
    describe_allowed,
    number_only_message,
    unknown_name_message,
)
from derivcore.expression_vocabulary import (
    CONSTANTS,
    DECIMAL_EXPONENT,
    FUNCTION_NAMES,
    NUMBER,
    SYMBOL,
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)

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


@dataclass(frozen=True)
class Token:
    """One token, with its place in the original text."""

    kind: str  # "number", "name", "op", "(", ")", ","
    text: str  # as written into the rewritten Python text ("**" for ^ and ²)
    start: int  # column in the original text
    end: int  # column just after it in the original text
    source: str  # the characters as the student typed them (for messages)
    name_kind: str = ""  # for names: "symbol", "constant" or "function"



def _classify_name(name: str, start: int, called: bool, variables: list[str] | None) -> str:
    if name in FUNCTION_NAMES:
        return "function"
    if name in CONSTANTS:
        return "constant"
    if variables == [] and name.lower() not in FUNCTION_NAMES and name.lower() not in CONSTANTS:
        # A point or a step: advice about writing products of variables would mislead here.
        raise ExpressionError(number_only_message(name), start)
    if not SYMBOL.fullmatch(name):
        raise ExpressionError(unknown_name_message(name, called), start)
    if variables is not None and name not in variables:
        if not variables:
            raise ExpressionError(number_only_message(name), start)
        raise ExpressionError(
            f"This function may only use {describe_allowed(variables)}; found {name}.", start
        )
    return "symbol"


def _next_visible(text: str, index: int) -> str:
    while index < len(text) and text[index].isspace():
        index += 1
    return text[index] if index < len(text) else ""


def scan(text: str, variables: list[str] | None) -> list[Token]:
    """Split the text into tokens, mapping Unicode to ASCII and refusing foreign characters."""
    tokens: list[Token] = []
    last_visible = max((i for i, ch in enumerate(text) if not ch.isspace()), default=-1)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _LINE_BREAKS and 0 < i < last_visible and text[:i].strip():
            raise ExpressionError("Type the formula on one line.", i)
        if ch.isspace() or ch in _ZERO_WIDTH:
            i += 1
            continue
        number = NUMBER.match(text, i) if ch.isascii() and (ch.isdigit() or ch == ".") else None
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
            tokens.append(Token("name", word, i, name.end(), word, kind))
            i = name.end()
            continue
        if ch in _UNICODE_NAMES:
            word = _UNICODE_NAMES[ch]
            kind = "function" if word in FUNCTION_NAMES else "constant"
            tokens.append(Token("name", word, i, i + 1, ch, kind))
            i += 1
            continue
        if ch in _SUPERSCRIPT_DIGITS or ch in _SUPERSCRIPT_SIGNS:
            i = _superscript_tokens(text, i, tokens)
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "**", i, i + 2, "**"))
            i += 2
            continue
        symbol = _UNICODE_OPERATORS.get(ch, ch)
        if symbol in "+-*/^(),":
            kind = symbol if symbol in "()," else "op"
            tokens.append(Token(kind, "**" if symbol == "^" else symbol, i, i + 1, ch))
            i += 1
            continue
        raise ExpressionError(character_message(text, i, tokens), i)
    return tokens



def _number_token(text: str, match: re.Match) -> Token:
    start, end = match.span()
    exponent = DECIMAL_EXPONENT.match(text, end)
    if exponent:
        end = exponent.end()
    source = text[start:end]
    # Python refuses leading zeros in integers ('007'); the walk reads the digits from `source`.
    digits = match.group("int")
    normal = source if digits is None else (digits.lstrip("0") or "0") + source[len(digits):]
    return Token("number", normal, start, end, source)


def _superscript_tokens(text: str, i: int, tokens: list[Token]) -> int:
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
    tokens.append(Token("op", "**", start, i, source))
    if sign:
        tokens.append(Token("(", "(", start, i, source))
        tokens.append(Token("op", sign, start, i, source))
    tokens.append(Token("number", digits.lstrip("0") or "0", start, i, digits))
    if sign:
        tokens.append(Token(")", ")", start, i, source))
    return i


# --- structure: implicit multiplication, brackets, misplaced operators ---------------------

def _ends_operand(token: Token) -> bool:
    return token.kind in ("number", ")") or (token.kind == "name" and token.name_kind != "function")


def _starts_operand(token: Token) -> bool:
    return token.kind in ("number", "name", "(")


def _shown(token: Token) -> str:
    return token.source if token.source.strip() else token.text


def _check_function_call(function: Token, following: Token | None) -> None:
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


def structure(tokens: list[Token], empty_message: str) -> list[Token]:
    """Insert implicit `*`, check brackets and operator placement; return the final tokens."""
    if not tokens:
        raise ExpressionError(empty_message, 0)
    out: list[Token] = []
    open_brackets: list[tuple[Token, Token | None]] = []  # ( and the function it belongs to
    previous: Token | None = None
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
            out.append(Token("op", "*", token.start, token.start, ""))
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


def _check_binary_operator(previous: Token | None, token: Token) -> None:
    shown = _shown(token)
    if previous is None:
        raise ExpressionError(f"The formula cannot start with '{shown}'.", token.start)
    if previous.kind == "(":
        raise ExpressionError(f"'{shown}' cannot follow '('.", token.start)
    if previous.kind == "op":
        if previous.text == token.text == "/":
            raise ExpressionError("Use a single '/' for division.", token.start)
        raise ExpressionError(f"'{shown}' cannot follow '{_shown(previous)}'.", token.start)


def _check_closing(previous: Token | None, token: Token, open_brackets: list) -> None:
    if not open_brackets:
        raise ExpressionError("This ')' has no matching '('.", token.start)
    if previous is not None and previous.kind == "(":
        raise ExpressionError("Empty brackets: put something inside ( ).", previous.start)
    if previous is not None and previous.kind == "op":
        raise ExpressionError(
            f"Something is missing after '{_shown(previous)}'.", previous.start
        )


@dataclass(frozen=True)
class Rewritten:
    """The Python text, with the original column range of each of its characters."""

    code: str
    starts: list[int]
    ends: list[int]
    numbers: dict[int, Token]  # code column -> number token

    def span(self, node: ast.AST) -> tuple[int, int]:
        first = node.col_offset
        last = max(first, node.end_col_offset - 1)
        return self.starts[first], self.ends[last]


def rewrite(tokens: list[Token]) -> Rewritten:
    code: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    numbers: dict[int, Token] = {}
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
    return Rewritten("".join(code), starts, ends, numbers)


