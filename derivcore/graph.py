"""The computation graph of J: its nodes and edges, and the passes that give their numbers.

J is cut into the operations a student would draw (`graph_structure`). Forward pass: every node's
value from its children's. On every edge child → parent the local derivative ∂parent/∂child.
Backward pass (reverse mode): ∂J/∂J = 1, then, parents before children,
∂J/∂child = Σ over the child's parents p of ∂J/∂p · ∂p/∂child.

Values, local derivatives and gradients are computed with mpmath at `FIRST_PASS_DIGITS` significant
digits and more where passes disagree (`graph_arithmetic`) and stored as the nearest float64, so
every digit shown is right even where float64 would cancel. The lab's nudge check and the gradient
check (`graph_checks`) recompute J in float64, as the lab does; `chain_rule` writes the products
out, `graph_dot` draws the graph.

Undefined points do not raise: a node whose value is undefined (log of a negative number, 1/w at
0) or too large for float64 gets nan or ±inf, and `ComputationGraph.problems` holds a sentence
naming the node; the same for a local derivative that does not exist (relu or |u| at 0, √u at 0).
Then ∂J/∂node is nan for the nodes below. `ValueError` is raised only for input that is wrong
rather than a point that is: a variable without a value or with a non-numeric one, an expression
the graph cannot show (Piecewise, an undefined function) or one with more than
`graph_structure.MAX_NODES` nodes.
"""

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import mpmath
import sympy

from derivcore.graph_arithmetic import FIRST_PASS_DIGITS, MP, MP_FORWARD, MP_LOCAL, evaluate
from derivcore.graph_dot import to_dot
from derivcore.graph_structure import Record, Structure
from derivcore.graph_text import GRAPH_NUMBERS, plain
from derivcore.number_format import number_text
from derivcore.plot_theme import LIGHT, PlotTheme

PRECISIONS = (FIRST_PASS_DIGITS, 80, 160, 320, 640, 1280)
"""The passes are repeated at rising precision until two agree to the last bit of every float64
shown: w/sin(w) at 1e-20 loses 40 digits to cancellation in the backward pass (1e20 − 1e20)."""


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

    def to_dot(
        self,
        highlight: int | str | None = None,
        show_grad: bool = True,
        theme: PlotTheme = LIGHT,
    ) -> str:
        return to_dot(self, highlight=highlight, show_grad=show_grad, theme=theme)


def computation_graph(expr: sympy.Expr, values: Mapping[str, object]) -> ComputationGraph:
    """The computation graph of `expr` at the point `values` (variable name → number).

    Variables are matched by name whatever their assumptions; values for names J does not use are
    ignored. Raises ValueError when a variable has no value or a value is not a finite real number,
    and when J is too large to draw (more than `MAX_NODES` operations). Undefined points are
    reported in `.problems` instead (see the module docstring).
    """
    if not isinstance(expr, sympy.Expr):
        raise ValueError("The computation graph needs a SymPy expression.")
    _input_values(expr, values)  # refuses bad values before any work
    structure = Structure(expr)
    previous = None
    for digits in PRECISIONS:
        with MP.at(digits):
            graph = _evaluate_graph(expr, structure, _input_values(expr, values))
        if previous is not None and _same_floats(previous, graph):
            return graph
        previous = graph
    note = (
        f"The values and gradients still changed between {PRECISIONS[-2]} and {PRECISIONS[-1]} "
        "digits (cancellation beyond that): their last digits may be wrong."
    )
    return dataclasses.replace(graph, problems=(*graph.problems, note))


def _same_floats(a: "ComputationGraph", b: "ComputationGraph") -> bool:
    """Whether two passes give the same float64 for every value, local derivative and gradient."""

    def floats(graph):
        numbers_ = [n.value for n in graph.nodes] + [n.grad for n in graph.nodes]
        return numbers_ + [e.value for e in graph.edges]

    return all(
        x == y or (math.isnan(x) and math.isnan(y))
        for x, y in zip(floats(a), floats(b), strict=True)
    )


def _input_values(expr: sympy.Expr, values: Mapping[str, object]) -> dict[str, mpmath.mpf]:
    point = {}
    for name in sorted(s.name for s in expr.free_symbols):
        if name not in values:
            raise ValueError(f"J uses the variable {name} but no value was given for it.")
        point[name] = _input_number(name, values[name])
    return point


def _input_number(name: str, value: object) -> mpmath.mpf:
    """The value exactly as given: ints, fractions and SymPy numbers are not rounded to float64."""
    if isinstance(value, sympy.Rational):  # 0, 1/2: exact (0 has no Float evalf)
        number = MP.mpf(int(value.p)) / int(value.q)
    elif isinstance(value, sympy.Basic):
        approximation = value.evalf(MP.dps + 5)
        number = MP.mpf(approximation) if approximation.is_Float else MP.nan
    elif isinstance(value, numbers.Integral):
        number = MP.mpf(int(value))
    elif isinstance(value, numbers.Rational):
        number = MP.mpf(value.numerator) / value.denominator
    elif isinstance(value, numbers.Real):
        number = MP.mpf(float(value))
    else:
        raise ValueError(f"The value of {name} must be a real number, not {value!r}.")
    if not MP.isfinite(number):
        raise ValueError(f"The value of {name} must be a finite real number, not {value!r}.")
    return number


def _evaluate_graph(
    expr: sympy.Expr, structure: Structure, point: dict[str, mpmath.mpf]
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
        values.append(evaluate(record.formula, env, MP_FORWARD))
        # Only where the trouble starts: the nodes above it inherit it and need no message.
        if all(math.isfinite(float(v)) for v in env.values()):
            problems.extend(_value_problem(record, values[-1], env))

    # (child, parent, ∂parent/∂child in the nodes' names, its value). A node that has no finite
    # value has no derivative either, even where the formula of one would give a number
    # (log w at w = −1: 1/w = −1 there, but log is not defined).
    derivatives: list[tuple[int, int, sympy.Expr, object]] = []
    for parent, record in enumerate(records):
        env = {symbols[c]: values[c] for c in record.children}
        defined = all(MP.isfinite(v) for v in [values[parent], *env.values()])
        for child in record.children:
            derivative = sympy.diff(record.formula, symbols[child])
            local = evaluate(derivative, env, MP_LOCAL) if defined else MP.nan
            derivatives.append((child, parent, derivative, local))
            if defined and not MP.isfinite(local):
                problems.append(
                    f"∂{record.name}/∂{records[child].name} = {plain(derivative)} is not "
                    f"defined at {_assignments(env)}: {record.name} = {plain(record.formula)} "
                    "has no derivative there."
                )

    # Reverse mode: ids are a topological order, so walking them backwards visits every parent
    # before its children and each ∂J/∂parent is complete when it is passed down.
    grads = [MP.zero] * len(records)
    grads[-1] = MP.one if MP.isfinite(values[-1]) else MP.nan
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
            label=plain(r.formula),
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


def _value_problem(record: Record, value, env) -> list[str]:
    where = f" at {_assignments(env)}" if env else ""
    if MP.isnan(value):
        return [f"{record.name} = {plain(record.formula)} is not defined{where}."]
    if MP.isinf(value):  # a pole such as log 0 (children are finite here)
        infinity = "∞" if value > 0 else "−∞"
        return [f"{record.name} = {plain(record.formula)} is not defined{where} ({infinity})."]
    if not math.isfinite(float(value)):
        return [
            f"{record.name} = {plain(record.formula)} is too large for a float64 number "
            f"(beyond about 1.8e308){where}."
        ]
    return []


def _assignments(env) -> str:
    return ", ".join(f"{s.name} = {number_text(float(v), GRAPH_NUMBERS)}" for s, v in env.items())
