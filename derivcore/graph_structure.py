"""Cutting J's SymPy tree into the nodes of its computation graph.

One node per operation a student would draw: inputs, sums, products, powers and functions, with
constants folded into the operation that uses them (3·w is one node with the single child w;
2 − c is one node with child c). A subexpression that occurs twice is one node, so the graph is a
DAG. The parser's σ, softplus and relu are recognised (see the catalogue) and become one node each.
Nodes are numbered bottom-up, so their ids are a topological order (children before parents).
"""

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from derivcore.catalogue import (
    exp_in_one_plus,
    relu,
    relu_argument,
    sigmoid,
    sigmoid_argument,
    softplus,
    softplus_argument,
)

MAX_NODES = 200
"""Beyond this a drawing is unreadable; `computation_graph` refuses with a message."""

# Intermediate names, in the order they are handed out; letters easily misread (e, i, l, o) and
# the usual variable letters are left out. Past these come u_1, u_2, ...
_NAME_LETTERS = "abcdfghkmnpqrstuv"


@dataclass
class Record:
    """A node in the making: the subexpression, its name and operation, its formula in its
    children's names, and its children's ids."""

    expr: sympy.Expr
    name: str
    op: str
    formula: sympy.Expr
    children: list[int]


class Structure:
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
        self.records: list[Record] = []
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
        self.records.append(Record(expr, name, op, formula, child_ids))
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
            divisor = arg.is_Pow and arg.exp == -1 and arg.base.free_symbols
            if divisor and sigmoid_argument(arg) is None:
                factors.append(1 / slot(arg.base))
            else:
                factors.append(part(arg))
        return "mul", sympy.Mul(*factors)
    if expr.is_Pow:
        return _power(expr, slot, part)
    if (u := softplus_argument(expr)) is not None:
        return "softplus", softplus(slot(u))
    if (u := relu_argument(expr)) is not None:
        return "relu", relu(slot(u))
    if isinstance(expr, AppliedUndef) or not all(isinstance(a, sympy.Expr) for a in expr.args):
        raise ValueError(f"The computation graph cannot show {type(expr).__name__}.")
    return type(expr).__name__.lower(), expr.func(*(part(a) for a in expr.args))


def _power(expr: sympy.Pow, slot, part) -> tuple[str, sympy.Expr]:
    base, exponent = expr.args
    if (u := sigmoid_argument(expr)) is not None:
        return "sigmoid", sigmoid(slot(u))
    if exponent.is_Integer and exponent < -1 and exp_in_one_plus(base) is not None:
        # σ(u)^n arrives as (1 + e^(−u))^(−n): draw it as a power of the sigmoid node.
        return "pow", slot(1 / base) ** (-exponent)
    if not exponent.free_symbols:
        op = {-1: "reciprocal", sympy.S.Half: "sqrt"}.get(exponent, "pow")
        return op, slot(base) ** exponent
    return "pow", part(base) ** slot(exponent)


def _has_negative_coefficient(term: sympy.Expr) -> bool:
    return term.is_Mul and term.args[0].is_Number and term.args[0] < 0

