"""The computation graph of J: forward values, local derivatives and back-propagation.

J is cut into the operations a student would draw: inputs, sums, products, powers and functions,
one node each, with constants folded into the operation that uses them (3·w is one node with the
single child w; 2 − c is one node with child c). A subexpression that occurs twice is one node, so
the graph is a DAG. The parser's sigmoid 1/(1 + e^(−u)), softplus log(1 + e^u) and relu max(0, u)
are recognised and drawn as one node each.

Forward pass: every node's value from its children's. On every edge child → parent the local
derivative ∂parent/∂child. Backward pass (reverse mode): ∂J/∂J = 1, then, parents before children,
∂J/∂child = Σ over the child's parents p of ∂J/∂p · ∂p/∂child.

Values, local derivatives and gradients are computed with mpmath at `DIGITS` significant digits
and stored as the nearest float64, so every digit shown is right even where float64 would cancel.
The lab's nudge check and the gradient check recompute J in float64, as the lab does.

Undefined points do not raise: a node whose value is undefined (log of a negative number, 1/w at
0) or too large for float64 gets nan or ±inf, and `ComputationGraph.problems` holds a sentence
naming the node; the same for a local derivative that does not exist (relu or |u| at 0, √u at 0).
Then ∂J/∂node is nan for the nodes below. `ValueError` is raised only for input that is wrong
rather than a point that is: a variable without a value or with a non-numeric one, an expression
the graph cannot show (Piecewise, an undefined function) or one with more than `MAX_NODES` nodes.
"""

import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import mpmath
import numpy as np
import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

DIGITS = 40
"""Significant digits of the mpmath forward and backward passes."""

MAX_NODES = 200
"""Beyond this a drawing is unreadable; `computation_graph` refuses with a message."""

GRADIENT_CHECK_THRESHOLD = 1e-7
"""The usual rule of thumb: a relative difference below this means the gradient is right."""

# A private mpmath context: its precision is set once here and never changed, so threads (one per
# Streamlit session) can share it, unlike mpmath.mp which other code may switch with workdps.
_MP = mpmath.MPContext()
_MP.dps = DIGITS
# Beyond 10^1000 an argument is ∞ for every purpose here (float64 stops near 1.8e308). mpmath
# itself would evaluate exp, sin, ... of it by reducing it modulo ln 2 or π to as many digits as
# it has: exp(exp(exp(exp(w)))) would never finish. Sums and products of huge values stay exact.
_LIMIT = _MP.mpf(10) ** 1000

_TINY = sys.float_info.min


# ---------------------------------------------------------------------------------------------
# The three functions the parser expands, kept whole so the graph shows one node for each.


class sigmoid(sympy.Function):
    """σ(u) = 1/(1 + e^(−u)), with σ′(u) = σ(u)·(1 − σ(u))."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _sympystr(self, printer):
        return f"σ({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        tex = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class softplus(sympy.Function):
    """softplus(u) = log(1 + e^u), with softplus′(u) = σ(u)."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class relu(sympy.Function):
    """relu(u) = max(0, u), with relu′(u) = H(u): 1 for u > 0, 0 for u < 0, none at 0."""

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


# ---------------------------------------------------------------------------------------------
# Presets: the course's examples, as (name, function text, values).


class GraphPreset(NamedTuple):
    name: str
    text: str
    values: dict[str, float]


GRAPH_PRESETS: tuple[GraphPreset, ...] = (
    GraphPreset("The course's example J = (2 + 3w)²", "(2 + 3w)^2", {"w": 3}),
    GraphPreset(
        "Squared error of one training example",
        "(w*x + b - y)^2",
        {"w": -2, "x": 2, "b": 8, "y": 1},
    ),
    GraphPreset("A neuron with a sigmoid", "sigmoid(w*x + b)", {"w": 0.5, "x": 2, "b": -1}),
)


# ---------------------------------------------------------------------------------------------
# The graph.


@dataclass(frozen=True)
class Node:
    """One operation. `formula` computes it from its children's names (`a = 3·w` has formula 3·w
    in the symbol `w`); `expr` is the same subexpression written in J's variables."""

    id: int
    name: str
    op: str
    label: str
    latex: str
    formula: sympy.Expr
    expr: sympy.Expr
    children: tuple[int, ...]
    parents: tuple[int, ...]
    value: float
    grad: float

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name, real=True)

    @property
    def is_input(self) -> bool:
        return self.op == "input"


@dataclass(frozen=True)
class Edge:
    """child → parent, carrying the local derivative ∂parent/∂child in the nodes' names."""

    child: int
    parent: int
    derivative: sympy.Expr
    latex: str
    value: float


@dataclass(frozen=True)
class ComputationGraph:
    """Nodes in topological order (children before parents; `nodes[i].id == i`), the output last."""

    expr: sympy.Expr
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    output: int
    problems: tuple[str, ...]

    @property
    def value(self) -> float:
        """J at the point (nan where J is undefined)."""
        return self.nodes[self.output].value

    def gradient(self) -> dict[str, float]:
        """∂J/∂variable for every variable J uses, by name, sorted."""
        inputs = sorted((n for n in self.nodes if n.is_input), key=lambda n: n.name)
        return {n.name: n.grad for n in inputs}

    def node(self, key: int | str) -> Node:
        """The node with that id or name."""
        if isinstance(key, str):
            for node in self.nodes:
                if node.name == key:
                    return node
        elif isinstance(key, numbers.Integral) and 0 <= key < len(self.nodes):
            return self.nodes[int(key)]
        raise ValueError(f"The graph has no node {key!r}.")

    def edge(self, child: int, parent: int) -> Edge:
        for edge in self.edges:
            if edge.child == child and edge.parent == parent:
                return edge
        raise ValueError(f"The graph has no edge from node {child} to node {parent}.")

    def to_dot(self, highlight: int | str | None = None, show_grad: bool = True) -> str:
        return to_dot(self, highlight=highlight, show_grad=show_grad)


def computation_graph(expr: sympy.Expr, values: Mapping[str, object]) -> ComputationGraph:
    """The computation graph of `expr` at the point `values` (variable name → number).

    Variables are matched by name whatever their assumptions; values for names J does not use are
    ignored. Raises ValueError when a variable has no value or a value is not a finite real number,
    and when J is too large to draw (more than `MAX_NODES` operations). Undefined points are
    reported in `.problems` instead (see the module docstring).
    """
    if not isinstance(expr, sympy.Expr):
        raise ValueError("The computation graph needs a SymPy expression.")
    point = _input_values(expr, values)
    structure = _Structure(expr)
    return _evaluate_graph(expr, structure, point)


def _input_values(expr: sympy.Expr, values: Mapping[str, object]) -> dict[str, mpmath.mpf]:
    point = {}
    for name in sorted(s.name for s in expr.free_symbols):
        if name not in values:
            raise ValueError(f"J uses the variable {name} but no value was given for it.")
        point[name] = _input_number(name, values[name])
    return point


def _input_number(name: str, value: object) -> mpmath.mpf:
    """The value exactly as given: ints, fractions and SymPy numbers are not rounded to float64."""
    if isinstance(value, sympy.Rational):  # exact, and 0 too (its evalf is not a Float)
        number = _MP.mpf(int(value.p)) / int(value.q)
    elif isinstance(value, sympy.Basic):
        approximation = value.evalf(DIGITS + 5)
        number = _MP.mpf(approximation) if approximation.is_Float else _MP.nan
    elif isinstance(value, numbers.Integral):
        number = _MP.mpf(int(value))
    elif isinstance(value, numbers.Rational):
        number = _MP.mpf(value.numerator) / value.denominator
    elif isinstance(value, numbers.Real):
        number = _MP.mpf(float(value))
    else:
        raise ValueError(f"The value of {name} must be a real number, not {value!r}.")
    if not _MP.isfinite(number):
        raise ValueError(f"The value of {name} must be a finite real number, not {value!r}.")
    return number


# ---------------------------------------------------------------------------------------------
# Cutting the SymPy tree into nodes.

# Intermediate names, in the order they are handed out; letters easily misread (e, i, l, o) and
# the usual variable letters are left out. Past these come u_1, u_2, ...
_NAME_LETTERS = "abcdfghkmnpqrstuv"


@dataclass
class _Record:
    expr: sympy.Expr
    name: str
    op: str
    formula: sympy.Expr
    children: list[int]


class _Structure:
    """Nodes and formulas of J, built bottom-up so that ids are a topological order."""

    def __init__(self, root: sympy.Expr):
        self.root = root
        self.variables = {s.name for s in root.free_symbols}
        if len(self.variables) < len(root.free_symbols):
            raise ValueError(
                "J has two different symbols with the same name: build it with one symbol per "
                "variable name."
            )
        self.output_name = next(
            name
            for name in ("J", *(f"J_{k}" for k in range(1, len(self.variables) + 2)))
            if name not in self.variables
        )
        self.records: list[_Record] = []
        self.ids: dict[sympy.Expr, int] = {}
        self._names = self._name_source()
        self._add(root)

    def _name_source(self):
        taken = self.variables | {self.output_name}
        yield from (letter for letter in _NAME_LETTERS if letter not in taken)
        k = 1
        while True:
            if f"u_{k}" not in taken:
                yield f"u_{k}"
            k += 1

    def _add(self, expr: sympy.Expr) -> int:
        if expr in self.ids:
            return self.ids[expr]
        if expr.is_Symbol:
            op, template, children = "input", expr, []
        elif not expr.free_symbols:
            op, template, children = "constant", expr, []
        else:
            op, template, children = _decompose(expr)
        child_ids = [self._add(child) for child, _ in children]
        if len(self.records) >= MAX_NODES:
            raise ValueError(
                f"J has more than {MAX_NODES} operations: too many to draw as a graph."
            )
        if expr.is_Symbol:
            name = expr.name
        elif expr == self.root:
            name = self.output_name
        else:
            name = next(self._names)
        formula = template.xreplace(
            {
                slot: sympy.Symbol(self.records[i].name, real=True)
                for (_, slot), i in zip(children, child_ids, strict=True)
            }
        )
        self.ids[expr] = len(self.records)
        self.records.append(_Record(expr, name, op, formula, child_ids))
        return self.ids[expr]


def _decompose(expr: sympy.Expr) -> tuple[str, sympy.Expr, list[tuple[sympy.Expr, sympy.Dummy]]]:
    """(op, template, children): the template computes expr from one placeholder per child."""
    slots: dict[sympy.Expr, sympy.Dummy] = {}

    def slot(child: sympy.Expr) -> sympy.Dummy:
        return slots.setdefault(child, sympy.Dummy(real=True))

    def part(arg: sympy.Expr) -> sympy.Expr:
        return arg if not arg.free_symbols else slot(arg)

    op, template = _operation(expr, slot, part)
    return op, template, list(slots.items())


def _operation(expr, slot, part) -> tuple[str, sympy.Expr]:
    if expr.is_Add:
        # a − c reads better than a + (−c): a term with a negative coefficient enters with a minus
        # sign, and its positive version is the child.
        terms = []
        for arg in expr.args:
            if arg.free_symbols and _has_negative_coefficient(arg):
                terms.append(-slot(-arg))
            else:
                terms.append(part(arg))
        return "add", sympy.Add(*terms)
    if expr.is_Mul:
        # w/x is one division node; a sigmoid factor stays a sigmoid.
        factors = []
        for arg in expr.args:
            if arg.is_Pow and arg.exp == -1 and arg.base.free_symbols and not _sigmoid_of(arg):
                factors.append(1 / slot(arg.base))
            else:
                factors.append(part(arg))
        return "mul", sympy.Mul(*factors)
    if expr.is_Pow:
        return _power(expr, slot, part)
    if isinstance(expr, sympy.log) and (u := _exp_in_one_plus(expr.args[0])) is not None:
        return "softplus", softplus(slot(u))
    if isinstance(expr, sympy.Max) and len(expr.args) == 2 and sympy.S.Zero in expr.args:
        (u,) = (a for a in expr.args if a != 0)
        return "relu", relu(slot(u))
    if isinstance(expr, AppliedUndef) or not all(isinstance(a, sympy.Expr) for a in expr.args):
        raise ValueError(f"The computation graph cannot show {type(expr).__name__}.")
    return type(expr).__name__.lower(), expr.func(*(part(a) for a in expr.args))


def _power(expr: sympy.Pow, slot, part) -> tuple[str, sympy.Expr]:
    base, exponent = expr.args
    if (u := _sigmoid_of(expr)) is not None:
        return "sigmoid", sigmoid(slot(u))
    if exponent.is_Integer and exponent < -1 and _exp_in_one_plus(base) is not None:
        # σ(u)^n arrives as (1 + e^(−u))^(−n): draw it as a power of the sigmoid node.
        return "pow", slot(1 / base) ** (-exponent)
    if not exponent.free_symbols:
        op = {-1: "reciprocal", sympy.S.Half: "sqrt"}.get(exponent, "pow")
        return op, slot(base) ** exponent
    return "pow", part(base) ** slot(exponent)


def _has_negative_coefficient(term: sympy.Expr) -> bool:
    return term.is_Mul and term.args[0].is_Number and term.args[0] < 0


def _exp_in_one_plus(expr: sympy.Expr) -> sympy.Expr | None:
    """X when expr is 1 + e^X, else None."""
    if expr.is_Add and len(expr.args) == 2 and sympy.S.One in expr.args:
        (other,) = (a for a in expr.args if a != 1)
        if isinstance(other, sympy.exp):
            return other.args[0]
    return None


def _sigmoid_of(expr: sympy.Expr) -> sympy.Expr | None:
    """u when expr is 1/(1 + e^(−u)), the parser's form of σ(u), else None."""
    if expr.is_Pow and expr.exp == -1:
        x = _exp_in_one_plus(expr.base)
        if x is not None:
            return -x
    return None


# ---------------------------------------------------------------------------------------------
# Numbers: forward, local derivatives, backward.


def _evaluate_graph(
    expr: sympy.Expr, structure: _Structure, point: dict[str, mpmath.mpf]
) -> ComputationGraph:
    records = structure.records
    symbols = [sympy.Symbol(r.name, real=True) for r in records]
    problems: list[str] = []

    values: list = []
    for record in records:
        env = {symbols[c]: values[c] for c in record.children}
        if record.op == "input":
            values.append(point[record.name])
            continue
        values.append(_evaluate(record.formula, env, _MP_FORWARD))
        # Only where the trouble starts: the nodes above it inherit it and need no message.
        if all(math.isfinite(float(v)) for v in env.values()):
            problems.extend(_value_problem(record, values[-1], env))

    # (child, parent, ∂parent/∂child in the nodes' names, its value). A node that has no finite
    # value has no derivative either, even where the formula of one would give a number
    # (log w at w = −1: 1/w = −1 there, but log is not defined).
    derivatives: list[tuple[int, int, sympy.Expr, object]] = []
    for parent, record in enumerate(records):
        env = {symbols[c]: values[c] for c in record.children}
        defined = all(_MP.isfinite(v) for v in [values[parent], *env.values()])
        for child in record.children:
            derivative = sympy.diff(record.formula, symbols[child])
            local = _evaluate(derivative, env, _MP_LOCAL) if defined else _MP.nan
            derivatives.append((child, parent, derivative, local))
            if defined and not _MP.isfinite(local):
                problems.append(
                    f"∂{record.name}/∂{records[child].name} = {_plain(derivative)} is not "
                    f"defined at {_assignments(env)}: {record.name} = {_plain(record.formula)} "
                    "has no derivative there."
                )

    # Reverse mode: ids are a topological order, so walking them backwards visits every parent
    # before its children and each ∂J/∂parent is complete when it is passed down.
    grads = [_MP.zero] * len(records)
    grads[-1] = _MP.one if _MP.isfinite(values[-1]) else _MP.nan
    for child, parent, _, local in sorted(derivatives, key=lambda d: -d[1]):
        grads[child] += grads[parent] * local

    parents: dict[int, list[int]] = {i: [] for i in range(len(records))}
    for child, parent, _, _ in derivatives:
        parents[child].append(parent)
    nodes = tuple(
        Node(
            id=i,
            name=r.name,
            op=r.op,
            label=_plain(r.formula),
            latex=sympy.latex(r.formula),
            formula=r.formula,
            expr=r.expr,
            children=tuple(r.children),
            parents=tuple(parents[i]),
            value=float(values[i]),
            grad=float(grads[i]),
        )
        for i, r in enumerate(records)
    )
    edges = tuple(
        Edge(child, parent, d, sympy.latex(d), float(local))
        for child, parent, d, local in derivatives
    )
    return ComputationGraph(expr, nodes, edges, len(nodes) - 1, tuple(problems))


def _value_problem(record: _Record, value, env) -> list[str]:
    where = f" at {_assignments(env)}" if env else ""
    if _MP.isnan(value):
        return [f"{record.name} = {_plain(record.formula)} is not defined{where}."]
    if _MP.isinf(value):  # a pole such as log 0 (children are finite here)
        infinity = "∞" if value > 0 else "−∞"
        return [f"{record.name} = {_plain(record.formula)} is not defined{where} ({infinity})."]
    if not math.isfinite(float(value)):
        return [
            f"{record.name} = {_plain(record.formula)} is too large for a float64 number "
            f"(beyond about 1.8e308){where}."
        ]
    return []


def _assignments(env) -> str:
    return ", ".join(f"{s.name} = {_number_text(float(v))}" for s, v in env.items())


def _evaluate(formula: sympy.Expr, env, arithmetic) -> object:
    """formula's value with `env` giving each symbol's value, in that arithmetic."""
    if formula.is_Symbol:
        return env[formula]
    if not formula.free_symbols:
        return arithmetic.constant(formula)
    args = [_evaluate(a, env, arithmetic) for a in formula.args]
    try:
        if formula.is_Add:
            result = args[0]
            for a in args[1:]:
                result = result + a
        elif formula.is_Mul:
            result = args[0]
            for a in args[1:]:
                result = result * a
        elif formula.is_Pow:
            result = arithmetic.power(*args)
        else:
            result = arithmetic.call(formula.func, args)
    except (ArithmeticError, ValueError, TypeError):
        return arithmetic.nan
    return arithmetic.real(result)


class _MpArithmetic:
    """mpmath at DIGITS digits. With `kinks_undefined`, sign(0) and H(0) (the derivatives of |u|
    and relu at 0) are nan: there the function has no derivative."""

    nan = _MP.nan

    def __init__(self, kinks_undefined: bool):
        self.kinks_undefined = kinks_undefined

    def constant(self, c: sympy.Expr):
        if c.is_Integer:
            return _MP.mpf(int(c))
        value = c.evalf(DIGITS + 5)
        return _MP.mpf(value) if value.is_Float else _MP.nan

    def power(self, base, exponent):
        if _MP.isint(exponent) and abs(exponent) < 2**63:
            return base ** int(exponent)
        return _tame(base) ** _tame(exponent)

    def real(self, value):
        # mpmath answers outside the real domain with a complex number (log of a negative).
        if isinstance(value, _MP.mpc):
            value = value.real if value.imag == 0 else _MP.nan
        return value if isinstance(value, _MP.mpf) else _MP.mpf(value)

    def call(self, func, args):
        if func in _MP_FUNCTIONS:
            return _MP_FUNCTIONS[func](*(_tame(a) for a in args))
        if func in (sympy.sign, sympy.Heaviside):
            u = args[0]
            if u == 0:
                if self.kinks_undefined:
                    return _MP.nan
                return _MP.zero if func is sympy.sign else _MP.mpf(0.5)
            step = _MP.one if u > 0 else (-_MP.one if func is sympy.sign else _MP.zero)
            return step if not _MP.isnan(u) else _MP.nan
        if func in (sympy.Max, sympy.Min):
            if any(_MP.isnan(a) for a in args):
                return _MP.nan
            return max(args) if func is sympy.Max else min(args)
        # Anything else SymPy knows how to evaluate numerically.
        value = func(*(sympy.Float(_tame(a), DIGITS) for a in args)).evalf(DIGITS)
        return _MP.mpf(value) if value.is_Float else _MP.nan


def _tame(x):
    """x, or ±∞ when it lies beyond ±10^1000 (see _LIMIT)."""
    if _MP.isfinite(x) and abs(x) > _LIMIT:
        return _MP.inf if x > 0 else -_MP.inf
    return x


_MP_FUNCTIONS = {
    sympy.exp: _MP.exp,
    sympy.log: _MP.log,
    sympy.sin: _MP.sin,
    sympy.cos: _MP.cos,
    sympy.tan: _MP.tan,
    sympy.cot: _MP.cot,
    sympy.sec: _MP.sec,
    sympy.csc: _MP.csc,
    sympy.sinh: _MP.sinh,
    sympy.cosh: _MP.cosh,
    sympy.tanh: _MP.tanh,
    sympy.asin: _MP.asin,
    sympy.acos: _MP.acos,
    sympy.atan: _MP.atan,
    sympy.asinh: _MP.asinh,
    sympy.acosh: _MP.acosh,
    sympy.atanh: _MP.atanh,
    sympy.Abs: _MP.fabs,
    sympy.erf: _MP.erf,
    sigmoid: lambda u: 1 / (1 + _MP.exp(-u)),
    softplus: lambda u: _MP.log(1 + _MP.exp(u)),
    relu: lambda u: u if u > 0 else _MP.zero,
}

_MP_FORWARD = _MpArithmetic(kinks_undefined=False)
_MP_LOCAL = _MpArithmetic(kinks_undefined=True)


class _FloatArithmetic:
    """IEEE float64 through NumPy scalars, as the lab's Python computes: overflow gives ±inf,
    out-of-domain gives nan, never an exception."""

    nan = np.float64("nan")

    def constant(self, c: sympy.Expr):
        try:
            return np.float64(float(c))
        except TypeError:
            return self.nan

    def power(self, base, exponent):
        with np.errstate(all="ignore"):
            return np.float64(base) ** np.float64(exponent)

    def real(self, value):
        return np.float64(value)

    def call(self, func, args):
        with np.errstate(all="ignore"):
            if func in _NUMPY_FUNCTIONS:
                return _NUMPY_FUNCTIONS[func](*args)
            # Functions NumPy lacks: the correctly rounded value from mpmath.
            exact = _MP_FORWARD.call(func, [_MP.mpf(float(a)) for a in args])
            return np.float64(float(_MP_FORWARD.real(exact)))


_NUMPY_FUNCTIONS = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.Abs: np.abs,
    sigmoid: lambda u: 1 / (1 + np.exp(-u)),
    softplus: lambda u: np.log(1 + np.exp(u)),
    relu: lambda u: np.maximum(np.float64(0), u),
}

_FLOAT = _FloatArithmetic()


def _float_forward(graph: ComputationGraph, overrides: Mapping[int, float]) -> float:
    """J recomputed in float64 with the given nodes set to the given values.

    Every node downstream of an overridden one is recomputed from its children; all others keep
    their stored values (held fixed), as when the lab nudges one quantity and recomputes J.
    """
    values = [np.float64(n.value) for n in graph.nodes]
    moved = set()
    for node in graph.nodes:
        if node.id in overrides:
            values[node.id] = np.float64(overrides[node.id])
            moved.add(node.id)
        elif moved.intersection(node.children):
            env = {graph.nodes[c].symbol: values[c] for c in node.children}
            with np.errstate(all="ignore"):
                values[node.id] = _evaluate(node.formula, env, _FLOAT)
            moved.add(node.id)
    return float(values[graph.output])


def relative_difference(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|, tiny): 0 when both are 0, nan when either is nan."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), _TINY)


# ---------------------------------------------------------------------------------------------
# The lab's checks.


@dataclass(frozen=True)
class NudgeCheck:
    """The lab's check on one node: k = (J_epsilon − J_base)/ε against ∂J/∂node, in float64.

    J_base is J recomputed from the node's value, J_epsilon from the node's value + ε.
    """

    node: int
    eps: float
    value: float
    nudged_value: float
    J_base: float
    J_epsilon: float
    estimate: float
    grad: float
    relative_difference: float


def nudge_check(graph: ComputationGraph, node: int | str, eps: float = 1e-6) -> NudgeCheck:
    """Nudge one node by ε, recompute J forward from it (its inputs held fixed), compare.

    Both J and J(node + ε) are recomputed in float64 along the same path, so k shows the lab's
    finite-difference error (about ε·|J''|/2 plus rounding about 1e-16·|J|/ε), nothing else.
    """
    _validate_eps(eps)
    target = graph.node(node)
    value = np.float64(target.value)
    nudged_value = float(value + np.float64(eps))
    base = _float_forward(graph, {target.id: float(value)})
    nudged = _float_forward(graph, {target.id: nudged_value})
    with np.errstate(all="ignore"):
        estimate = float((np.float64(nudged) - np.float64(base)) / np.float64(eps))
    return NudgeCheck(
        node=target.id,
        eps=eps,
        value=float(value),
        nudged_value=nudged_value,
        J_base=base,
        J_epsilon=nudged,
        estimate=estimate,
        grad=target.grad,
        relative_difference=relative_difference(estimate, target.grad),
    )


@dataclass(frozen=True)
class GradientCheck:
    """Central difference (J(v + ε) − J(v − ε))/(2ε) in float64 against ∂J/∂v from the graph."""

    variable: str
    gradient: float
    numerical: float
    relative_difference: float
    passes: bool


def gradient_check(
    expr: "sympy.Expr | ComputationGraph",
    values: Mapping[str, object] | None = None,
    eps: float = 1e-6,
) -> dict[str, GradientCheck]:
    """The gradient check for every variable, by name (sorted).

    Passes when the relative difference is below `GRADIENT_CHECK_THRESHOLD` (1e-7). Where the
    gradient is 0 a relative difference means little: it is 1 unless the central difference is
    exactly 0 too. Takes an expression and its values, or an already built graph.
    """
    _validate_eps(eps)
    if isinstance(expr, ComputationGraph):
        graph = expr
    else:
        graph = computation_graph(expr, values if values is not None else {})
    checks = {}
    for name, grad in graph.gradient().items():
        node = graph.node(name)
        up = _float_forward(graph, {node.id: node.value + eps})
        down = _float_forward(graph, {node.id: node.value - eps})
        numerical = (up - down) / (2 * eps)
        rel = relative_difference(numerical, grad)
        checks[name] = GradientCheck(
            name, grad, numerical, rel, bool(rel < GRADIENT_CHECK_THRESHOLD)
        )
    return checks


def _validate_eps(eps: float) -> None:
    if not (isinstance(eps, numbers.Real) and math.isfinite(eps) and eps > 0):
        raise ValueError(f"ε must be a positive finite number, not {eps!r}.")


# ---------------------------------------------------------------------------------------------
# The chain rule written out.


@dataclass(frozen=True)
class Factor:
    """One local derivative ∂parent/∂child on a path to the output."""

    parent: int
    child: int
    symbol_latex: str
    derivative_latex: str
    value: float


@dataclass(frozen=True)
class ChainPath:
    """A path output → ... → node; ∂J/∂node gets the product of its factors."""

    nodes: tuple[int, ...]
    factors: tuple[Factor, ...]
    product: float


@dataclass(frozen=True)
class ChainRule:
    """∂J/∂node = Σ over paths to the output of the product of local derivatives along it.

    `paths` holds at most `max_paths` of the `path_count` paths; `latex` is the whole equation,
    e.g. ∂J/∂w = ∂J/∂b · ∂b/∂a · ∂a/∂w = 2b · 1 · 3 = 22 · 1 · 3 = 66.
    """

    node: int
    grad: float
    paths: tuple[ChainPath, ...]
    path_count: int
    latex: str


def chain_rule_product(graph: ComputationGraph, node: int | str, max_paths: int = 12) -> ChainRule:
    """The chain-rule product for one node along each path to the output, with LaTeX."""
    target = graph.node(node)
    counts = _path_counts(graph)
    paths = tuple(_chain_path(graph, p) for p in _paths_up(graph, target.id, max_paths))
    total = counts[target.id]
    latex = _chain_latex(graph, target, paths, truncated=total > len(paths))
    return ChainRule(target.id, target.grad, paths, total, latex)


def _path_counts(graph: ComputationGraph) -> list[int]:
    """Number of paths from each node up to the output (Python ints: DAGs can have many)."""
    counts = [0] * len(graph.nodes)
    counts[graph.output] = 1
    for node in reversed(graph.nodes):
        if node.id != graph.output:
            counts[node.id] = sum(counts[p] for p in node.parents)
    return counts


def _paths_up(graph: ComputationGraph, start: int, limit: int) -> list[tuple[int, ...]]:
    """Up to `limit` paths from the output down to `start`, each as (output, ..., start)."""
    found: list[tuple[int, ...]] = []

    def walk(node: int, below: tuple[int, ...]) -> None:
        if len(found) >= limit:
            return
        path = (node, *below)
        if node == graph.output:
            found.append(path)
            return
        for parent in graph.nodes[node].parents:
            walk(parent, path)

    walk(start, ())
    return found


def _chain_path(graph: ComputationGraph, path: tuple[int, ...]) -> ChainPath:
    factors = []
    product = 1.0
    for parent, child in zip(path, path[1:], strict=False):
        edge = graph.edge(child, parent)
        factors.append(
            Factor(
                parent=parent,
                child=child,
                symbol_latex=_partial_latex(graph.nodes[parent], graph.nodes[child]),
                derivative_latex=edge.latex,
                value=edge.value,
            )
        )
        product *= edge.value
    return ChainPath(path, tuple(factors), product)


def _partial_latex(top: Node, bottom: Node) -> str:
    return rf"\frac{{\partial {_name_latex(top)}}}{{\partial {_name_latex(bottom)}}}"


def _name_latex(node: Node) -> str:
    return sympy.latex(node.symbol)


def _chain_latex(
    graph: ComputationGraph, target: Node, paths: tuple[ChainPath, ...], truncated: bool
) -> str:
    lhs = _partial_latex(graph.nodes[graph.output], target)
    if target.id == graph.output:
        return f"{lhs} = 1"
    more = r" + \cdots" if truncated else ""
    stages = [
        [[f.symbol_latex for f in p.factors] for p in paths],
        [[_factor_latex(graph.edge(f.child, f.parent)) for f in p.factors] for p in paths],
        [[_number_factor_latex(f.value) for f in p.factors] for p in paths],
    ]
    sides = [lhs]
    for stage in stages:
        side = " + ".join(r" \cdot ".join(product) for product in stage) + more
        if side != sides[-1]:
            sides.append(side)
    if _number_latex(target.grad) != sides[-1]:
        sides.append(_number_latex(target.grad))
    return " = ".join(sides)


def _factor_latex(edge: Edge) -> str:
    """A local derivative as a factor in a product: bracketed when a sum or negative."""
    if edge.derivative.is_Add or edge.derivative.could_extract_minus_sign():
        return rf"\left({edge.latex}\right)"
    return edge.latex


def _number_factor_latex(value: float) -> str:
    tex = _number_latex(value)
    return rf"\left({tex}\right)" if value < 0 else tex


def _number_latex(value: float) -> str:
    if math.isnan(value):
        return r"\text{undefined}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value + 0.0:.6g}"  # + 0.0 turns -0.0 into 0
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


# ---------------------------------------------------------------------------------------------
# Drawing: Graphviz DOT for st.graphviz_chart.

# Okabe–Ito colours (distinguishable with every common colour-vision deficiency); kinds of node
# also differ by shape, so colour is never the only cue.
_INPUT_FILL = "#56B4E9"  # sky blue
_OUTPUT_FILL = "#E69F00"  # orange
_OPERATION_FILL = "#FFFFFF"
_HIGHLIGHT = "#D55E00"  # vermillion
_HIGHLIGHT_FILL = "#F0E442"  # yellow
_LINE = "#444444"


def to_dot(
    graph: ComputationGraph, highlight: int | str | None = None, show_grad: bool = True
) -> str:
    """The graph as Graphviz DOT, left to right from the inputs to J.

    Nodes show their formula, forward value and (with `show_grad`) ∂J/∂node; edges show the local
    derivative's value. `highlight` (a node id or name) marks that node and its paths to J.
    """
    marked = graph.node(highlight).id if highlight is not None else None
    on_path = _ancestors(graph, marked) if marked is not None else set()
    output_name = graph.nodes[graph.output].name
    lines = [
        "digraph computation {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", bgcolor="transparent", nodesep=0.3, ranksep=0.5];',
        f'  node [fontname="Helvetica", fontsize=12, style="filled", color="{_LINE}", '
        'fontcolor="#000000"];',
        f'  edge [fontname="Helvetica", fontsize=11, color="{_LINE}", fontcolor="#000000"];',
    ]
    for node in graph.nodes:
        text = [node.name if node.is_input else f"{node.name} = {node.label}"]
        text.append(f"value {_number_text(node.value)}")
        if show_grad:
            text.append(f"∂{output_name}/∂{node.name} = {_number_text(node.grad)}")
        attributes = {
            "label": "\n".join(text),
            "shape": "ellipse" if node.is_input else "box",
            "fillcolor": _INPUT_FILL if node.is_input else _OPERATION_FILL,
        }
        if node.id == graph.output:
            attributes.update(fillcolor=_OUTPUT_FILL, peripheries="2")
        if node.id == marked:
            attributes.update(fillcolor=_HIGHLIGHT_FILL, color=_HIGHLIGHT, penwidth="3")
        lines.append(f"  n{node.id} [{_dot_attributes(attributes)}];")
    for edge in graph.edges:
        attributes = {
            "label": _number_text(edge.value),
            "tooltip": f"∂{graph.nodes[edge.parent].name}/∂{graph.nodes[edge.child].name}"
            f" = {_plain(edge.derivative)}",
        }
        if edge.child in on_path and edge.parent in on_path:
            attributes.update(color=_HIGHLIGHT, penwidth="2.5")
        lines.append(f"  n{edge.child} -> n{edge.parent} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines)


def _ancestors(graph: ComputationGraph, start: int) -> set[int]:
    """The node and every node on a path from it up to the output."""
    seen = {start}
    stack = [start]
    while stack:
        for parent in graph.nodes[stack.pop()].parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _dot_attributes(attributes: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={_dot_string(value)}" for key, value in attributes.items())


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as centred breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def _number_text(value: float) -> str:
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.6g}"


class _PlainPrinter(StrPrinter):
    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "π"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"


def _plain(expr: sympy.Expr) -> str:
    """A formula as plain text for a graph box: 3·w, a^2, σ(z), |u|."""
    return _PlainPrinter().doprint(expr).replace("**", "^").replace("*", "·")
