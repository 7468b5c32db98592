"""Tests for derivcore.expressions: what students type, what is refused, and that nothing runs."""

import ast
import builtins
import contextlib
import os
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from derivcore import (
    expression_builder,
    expression_limits,
    expression_messages,
    expression_tokens,
    expression_vocabulary,
    expressions,
)
from derivcore.expression_limits import MAX_LENGTH, MAX_WORK
from derivcore.expressions import ExpressionError, free_variable_names, parse

# Every module the student's text passes through.
PARSER_MODULES = [
    expressions,
    expression_tokens,
    expression_builder,
    expression_limits,
    expression_messages,
    expression_vocabulary,
]

w = sympy.Symbol("w", real=True)
x = sympy.Symbol("x", real=True)
b = sympy.Symbol("b", real=True)
R = sympy.Rational

# --- accepted forms, each against a SymPy expression built by hand ---------------------------

ACCEPTED = [
    # the lab's functions
    ("w^2", w**2),
    ("2w", 2 * w),
    ("w^3", w**3),
    ("1/w", 1 / w),
    ("1/w^2", w**-2),
    # numbers are exact
    ("3", sympy.Integer(3)),
    ("0.1", R(1, 10)),
    ("1e-3", R(1, 1000)),
    ("2.5e2", sympy.Integer(250)),
    ("1E3", sympy.Integer(1000)),
    (".5", R(1, 2)),
    ("5.", sympy.Integer(5)),
    ("007", sympy.Integer(7)),
    ("0.000", sympy.Integer(0)),
    ("1.5e-1", R(3, 20)),
    # operators and precedence
    ("w**2", w**2),
    ("w + 1 - 2", w - 1),
    ("6/4", R(3, 2)),
    ("-w^2", -(w**2)),
    ("-2^2", sympy.Integer(-4)),
    ("(-2)^2", sympy.Integer(4)),
    ("2^-1", R(1, 2)),
    ("w^-1", 1 / w),
    ("2^3^2", sympy.Integer(512)),
    ("2+3*4", sympy.Integer(14)),
    ("--w", w),
    ("+w", w),
    ("w - -1", w + 1),
    ("  w ^ 2  ", w**2),
    # implicit multiplication
    ("2 w", 2 * w),
    ("3w^2", 3 * w**2),
    ("2sin(w)", 2 * sympy.sin(w)),
    ("(w-1)(w+2)", (w - 1) * (w + 2)),
    ("w(w+1)", w * (w + 1)),
    ("2(w+1)", 2 * w + 2),
    ("(w+1)w", w * (w + 1)),
    ("2pi", 2 * sympy.pi),
    ("w x", w * x),
    ("sin(w)cos(w)", sympy.sin(w) * sympy.cos(w)),
    ("2e", 2 * sympy.E),
    ("1e-3w", w / 1000),
    ("1/2w", w / 2),  # left to right, as in Python and SymPy
    # functions
    ("sin(w)", sympy.sin(w)),
    ("cos(w)", sympy.cos(w)),
    ("tan(w)", sympy.tan(w)),
    ("asin(w)", sympy.asin(w)),
    ("acos(w)", sympy.acos(w)),
    ("atan(w)", sympy.atan(w)),
    ("arctan(w)", sympy.atan(w)),
    ("sinh(w)", sympy.sinh(w)),
    ("cosh(w)", sympy.cosh(w)),
    ("tanh(w)", sympy.tanh(w)),
    ("exp(w)", sympy.exp(w)),
    ("log(w)", sympy.log(w)),
    ("ln(w)", sympy.log(w)),
    ("sqrt(w)", sympy.sqrt(w)),
    ("abs(w)", sympy.Abs(w)),
    ("sigmoid(w)", 1 / (1 + sympy.exp(-w))),
    ("softplus(w)", sympy.log(1 + sympy.exp(w))),
    ("relu(w)", sympy.Max(0, w)),
    ("sigmoid(0)", R(1, 2)),
    ("log(w^2 + 1)", sympy.log(w**2 + 1)),
    # constants
    ("pi", sympy.pi),
    ("e", sympy.E),
    ("e^w", sympy.exp(w)),
    ("e^(-w^2)", sympy.exp(-(w**2))),
    ("pi/4", sympy.pi / 4),
    ("sin(pi)", sympy.Integer(0)),
    # pasted Unicode
    ("w²", w**2),
    ("w³", w**3),
    ("w¹⁰", w**10),
    ("w⁻¹", 1 / w),
    ("3w²", 3 * w**2),
    ("π/4", sympy.pi / 4),
    ("2π", 2 * sympy.pi),
    ("2·w", 2 * w),
    ("2×w", 2 * w),
    ("w−1", w - 1),
    ("w–1", w - 1),
    ("6÷w", 6 / w),
    ("w\u00a0+\u00a01", w + 1),
    ("\u200bw\t+ 1\n", w + 1),
    ("√(w)", sympy.sqrt(w)),
    # symbols
    ("b", b),
    ("w1", sympy.Symbol("w1", real=True)),
    ("w_2", sympy.Symbol("w_2", real=True)),
    ("w1 + w_2", sympy.Symbol("w1", real=True) + sympy.Symbol("w_2", real=True)),
    ("w*x + b", w * x + b),
    # big but bounded
    ("2^1000", sympy.Integer(2**1000)),
    ("w^1000", w**1000),
    ("(w+1)^-1000", (w + 1) ** -1000),
    ("1e-400", R(1, 10**400)),
    ("w^(1/(10^45+1))", w ** R(1, 10**45 + 1)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_forms(text, expected):
    parsed = parse(text)
    assert parsed == expected
    assert isinstance(parsed, sympy.Expr)


def test_symbols_are_real():
    (symbol,) = parse("w^2").free_symbols
    assert symbol == w
    assert symbol.is_real


@pytest.mark.parametrize("text", ["w^2", "2w", "w^3", "1/w", "1/w^2"])
def test_lab_functions_with_allowed_variables(text):
    assert parse(text, variables=["w"]).free_symbols == {w}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("pi/4", sympy.pi / 4), ("-3", sympy.Integer(-3)), ("0.5", R(1, 2)), ("1e-3", R(1, 1000))],
)
def test_points_are_constants(text, expected):
    assert parse(text, variables=[]) == expected


def test_variables_may_be_any_sequence_of_names():
    assert parse("w*x", variables=("w", "x")) == w * x


def test_free_variable_names():
    assert free_variable_names(parse("w*x + b + w")) == ["b", "w", "x"]
    assert free_variable_names(parse("pi")) == []


def test_error_is_a_value_error_whose_text_is_the_message():
    with pytest.raises(ExpressionError) as info:
        parse("sine(w)")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == info.value.message
    assert ExpressionError("m").position is None


def test_exactly_max_length_is_accepted_and_one_more_is_refused():
    longest = "w+" * ((MAX_LENGTH - 1) // 2) + "w"
    assert len(longest) == MAX_LENGTH - (MAX_LENGTH % 2 == 0)
    assert parse(longest) == (len(longest) // 2 + 1) * w
    with pytest.raises(ExpressionError) as info:
        parse("w" + " " * MAX_LENGTH)
    assert "too long" in info.value.message
    assert info.value.position == MAX_LENGTH


# --- refused forms: a message with the right words, pointing at the right column -------------

REFUSED = [
    # (text, variables, words in the message, column in the original text)
    ("sine(w)", None, ["Unknown name 'sine'", "did you mean 'sin'"], 0),
    ("sinw", None, ["did you mean sin(w)"], 0),
    ("2 + xy", None, ["x*y"], 4),
    ("Sin(w)", None, ["'sin'"], 0),
    ("PI", None, ["'pi'"], 0),
    ("w.real", None, ["attribute"], 1),
    ("w[0]", None, ["Indexing"], 1),
    ("[w]", None, ["round brackets"], 0),
    ('"abc"', None, ["Quotes"], 0),
    ("'abc'", None, ["Quotes"], 0),
    ("lambda: 1", None, ["keyword"], 0),
    ("w if w else 1", None, ["keyword"], 2),
    ("import os", None, ["keyword"], 0),
    ("exec(w)", None, ["Python"], 0),
    ("w < 1", None, ["Comparisons"], 2),
    ("w == 1", None, ["'='"], 2),
    ("J = w^2", None, ["without '='"], 2),
    ("w; w", None, ["single formula"], 1),
    ("w\nw", None, ["one line"], 1),
    ("(w+1", None, ["never closed"], 0),
    ("((w+1)", None, ["never closed"], 0),
    ("w+1)", None, ["no matching '('"], 3),
    ("", None, ["Type a function of w", "w^2"], 0),
    ("   ", None, ["Type a function of w"], 0),
    ("", [], ["Type a number"], 0),
    ("w+", None, ["ends with '+'"], 1),
    ("w^", None, ["ends with '^'"], 1),
    ("*w", None, ["cannot start"], 0),
    ("w+*2", None, ["cannot follow '+'"], 2),
    ("w//2", None, ["single '/'"], 2),
    ("(*w)", None, ["cannot follow '('"], 1),
    ("(w+)", None, ["missing after '+'"], 2),
    ("()", None, ["Empty brackets"], 0),
    ("x", ["w"], ["may only use w", "found x"], 0),
    ("w + x", ["w"], ["may only use w", "found x"], 4),
    ("w + y", ["w", "x"], ["may only use w and x", "found y"], 4),
    ("w", [], ["number", "'w'"], 0),
    ("log(w, 2)", None, ["exactly one argument"], 5),
    ("1,5", None, ["Commas", "0.5"], 1),
    ("w % 2", None, ["'%'"], 2),
    ("w!", None, ["Factorials"], 1),
    ("|w|", None, ["abs(w)"], 0),
    ("sin w", None, ["brackets", "sin(w)"], 0),
    ("sin^2(w)", None, ["sin(w)^2"], 0),
    ("sin", None, ["argument"], 0),
    ("2 3", None, ["Two numbers"], 2),
    ("1.2.3", None, ["decimal point"], 3),
    ("θ + w", None, ["Latin letters"], 0),
    ("w @ 2", None, ["'@'"], 2),
    ("w\x00", None, ["U+0000"], 1),
    ("w_", None, ["Unknown name 'w_'"], 0),
    ("2e1x + e2", None, ["Euler's number"], 7),
    ("__import__", None, ["Python"], 0),
    # bounds
    ("9^9^9^9", None, ["exponent 9^9", "too large"], 4),
    ("9**9**9**9", None, ["exponent 9**9", "too large"], 6),
    ("10^10^10", None, ["exponent 10^10", "too large"], 3),
    ("(w+1)^10^7", None, ["exponent 10^7", "too large"], 6),
    ("(w+1)**10**7", None, ["exponent 10**7", "too large"], 7),
    ("w^1001", None, ["exponent 1001"], 2),
    ("2^(-2000)", None, ["exponent -2000"], 3),
    ("(w+1)^900*(w+1)^900", None, ["too large"], 0),
    ("(10^300)^2", None, ["digits"], 9),
    ("1e400", None, ["too large"], 0),
    ("2^1000*2^100", None, ["too large", "1.8e308"], 0),
    ("exp(1000)", None, ["too large"], 0),
    ("1e99999", None, ["power of ten"], 0),
    ("1" * 60, None, ["too many digits"], 0),
    ("exp(10^9*log(9))", None, ["too large", "b^c"], 0),
    ("exp(-10^9*log(9))", None, ["too large"], 0),
    ("(10^45+1)^(1/2)", None, ["Roots"], 11),
    ("sqrt(2)+sqrt(3)-sqrt(5+2sqrt(6))", None, ["adds up to 0"], 0),
    ("abs(1/(sin(1)^2+cos(1)^2-1))", None, ["adds up to 0"], 7),
    ("(" * 21 + "w" + ")" * 21, None, ["nested brackets"], 20),
    ("w^w^w^w^w", None, ["stacked"], 8),
    ("+".join(["sin(w)"] * (MAX_WORK + 1)), None, ["too complicated"], 7 * MAX_WORK),
    ("w²" * (MAX_LENGTH // 2), None, ["too many parts"], None),
]


@pytest.mark.parametrize(
    ("text", "variables", "words", "column"), REFUSED, ids=[repr(r[0])[:40] for r in REFUSED]
)
def test_refused_forms(text, variables, words, column):
    with pytest.raises(ExpressionError) as info:
        parse(text, variables=variables)
    for word in words:
        assert word in info.value.message
    assert info.value.position == column


def test_columns_count_the_original_characters_not_the_rewritten_text():
    # '²' becomes '**2' and '2w' gains a '*' internally; the caret must still land on 'x'.
    with pytest.raises(ExpressionError) as info:
        parse("2w² + π·x", variables=["w"])
    assert info.value.position == 8
    with pytest.raises(ExpressionError) as info:
        parse("w⁻¹ − sine(w)")
    assert info.value.position == 6


def test_non_text_is_a_programming_error():
    with pytest.raises(TypeError):
        parse(None)


# --- the text is never run --------------------------------------------------------------------

PAYLOADS = [
    "__import__('os').system('echo hi')",
    "__import__(\"os\").system(\"echo hi\")",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "w.__class__",
    '"abc"',
    "lambda: 1",
    'exec("1")',
    'eval("1")',
    "open('/etc/passwd').read()",
    "[c for c in ()]",
    "{}",
    "w if 1 else 2",
    "import os",
    "w := 1",
    "f'{w}'",
    "b'w'",
    "w.real",
    "getattr(w, 'real')",
    "Symbol('w')",
    "sympify('w')",
    "S('w')",
]


@pytest.fixture
def nothing_may_run(monkeypatch):
    """Make eval/exec (which SymPy's string parsing uses) and os.system fail loudly."""
    calls = []

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"user text was run: {args!r}")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    yield calls
    assert calls == []


@pytest.mark.parametrize("text", PAYLOADS)
def test_payloads_are_refused_and_nothing_runs(text, nothing_may_run):
    with pytest.raises(ExpressionError):
        parse(text)


@pytest.mark.parametrize("text", ["w^2", "sigmoid(w)", "2sin(w)cos(w)", "0.1", "π/4", "w⁻¹"])
def test_ordinary_parsing_needs_no_eval(text, nothing_may_run):
    assert isinstance(parse(text), sympy.Expr)


@pytest.mark.parametrize("module", PARSER_MODULES, ids=lambda m: m.__name__)
def test_the_parser_never_calls_an_evaluator(module):
    source = Path(module.__file__).read_text()
    evaluators = {"eval", "exec", "sympify", "parse_expr", "S", "__import__"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in evaluators | {"compile"}, f"line {node.lineno}: {func.id}"
            if isinstance(func, ast.Attribute):
                assert func.attr not in evaluators, f"line {node.lineno}: {func.attr}"


HOSTILE = [
    "9**9**9**9",
    "(" * 200 + ")" * 100,
    "-" * (MAX_LENGTH - 1) + "w",
    "+".join(["w"] * (MAX_LENGTH // 2)),
    "2^" * (MAX_LENGTH // 2 - 1) + "2",
    "w²" * (MAX_LENGTH // 2),
    "9" * MAX_LENGTH,
    "exp(pi*(10^9*log(9)+w))",
    "abs(sin(exp(exp(exp(9)))))",
    "*".join(f"(10^38+{k})^(1/{k + 2})" for k in range(12)),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_handled_quickly(text):
    sympy.core.cache.clear_cache()
    start = time.thread_time()
    with contextlib.suppress(ExpressionError):
        parse(text)
    # CPU time with generous slack for a shared machine; the bench measures the real numbers.
    assert time.thread_time() - start < 0.2


# --- property-based ---------------------------------------------------------------------------

FRAGMENTS = [
    "w", "x", "b", "w1", "w_2", "e", "pi", "π", "0", "1", "2", "9", "0.5", ".5", "1e-3", "1e9",
    "+", "-", "*", "/", "^", "**", "(", ")", " ", "²", "⁻¹", "·", "−", ",", ".", "=", "'",
    "sin(", "exp(", "log(", "ln(", "sqrt(", "abs(", "relu(", "sigmoid(", "softplus(", "tanh(",
    "sine", "xy", "lambda", "__", "[", "]", ";", "\n", "10^10^10", "9^9", "!", "|",
]
FORMULA_CHARACTERS = "wxbe0123456789.+-*/^() ²³⁻πsinexplogqrt,_"


def _parses_or_refuses(text, variables=None):
    try:
        result = parse(text, variables=variables)
    except ExpressionError as error:
        assert isinstance(error.message, str) and error.message
        assert error.position is None or 0 <= error.position <= max(len(text), MAX_LENGTH)
        return
    assert isinstance(result, sympy.Expr)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=MAX_LENGTH + 20))
def test_any_text_gives_an_expression_or_expression_error(text):
    _parses_or_refuses(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=FORMULA_CHARACTERS, max_size=80))
def test_formula_characters_give_an_expression_or_expression_error(text):
    _parses_or_refuses(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.sampled_from([None, ["w"], []]),
)
def test_formula_fragments_give_an_expression_or_expression_error(text, variables):
    _parses_or_refuses(text, variables)


_leaves = st.one_of(
    st.sampled_from([w, x]),
    st.integers(1, 9).map(sympy.Integer),
    st.builds(R, st.integers(1, 9), st.integers(2, 9)),
    st.just(sympy.pi),
)
_UNARY = [sympy.sin, sympy.cos, sympy.exp, sympy.log, sympy.sqrt, sympy.tanh, sympy.atan,
          sympy.sinh, lambda u: -u]


def _extend(children):
    return st.one_of(
        st.builds(lambda a, c: a + c, children, children),
        st.builds(lambda a, c: a - c, children, children),
        st.builds(lambda a, c: a * c, children, children),
        st.builds(lambda a, c: a / c, children, children),
        st.builds(lambda a, n: a**n, children, st.sampled_from([2, 3, -1, -2, R(1, 2), R(2, 3)])),
        st.builds(lambda f, a: f(a), st.sampled_from(_UNARY), children),
    )


_expressions = st.recursive(_leaves, _extend, max_leaves=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_expressions)
@example(sympy.sinh(sympy.Integer(729)))  # found by hypothesis: beyond float64, so refused
def test_printed_expressions_parse_back(expr):
    # SymPy prints Euler's number as E and i as I, which are not part of our syntax.
    assume(not expr.has(sympy.E, sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo))
    # SymPy turns sqrt(w^2) into Abs(w) for real w and prints it capitalised; ours is abs.
    printed = str(expr).replace("Abs(", "abs(")
    assume(len(printed) <= MAX_LENGTH)
    for text in (printed, printed.replace("**", "^")):
        try:
            parsed = parse(text)
        except ExpressionError as refusal:
            # Constants beyond float64 (sinh(729) ≈ 1e316) are refused by design, with a reason.
            assert "too large" in refusal.message and _beyond_float64(expr), text
            continue
        assert parsed == expr or sympy.simplify(parsed - expr) == 0, text


def _beyond_float64(expr) -> bool:
    """Whether a constant inside `expr` is larger than float64's largest number."""
    return any(
        node.is_number and abs(sympy.N(node, 5)) > sympy.Float("1.8e308")
        for node in sympy.preorder_traversal(expr)
    )


def test_names_from_sympys_derivatives_get_what_to_write_instead():
    # Audit of 2026-12-01: the derivative page shows (|w|)′ = sign(w), and typing it back got
    # "did you mean 'sin'?". u/|u| equals sign(u) wherever u ≠ 0 (by hand).
    with pytest.raises(ExpressionError) as caught:
        parse("sign(w)")
    assert "write u/abs(u)" in caught.value.message and "sin" not in caught.value.message
    with pytest.raises(ExpressionError) as caught:
        parse("Heaviside(w - 1)")
    assert "write (1 + u/abs(u))/2" in caught.value.message
