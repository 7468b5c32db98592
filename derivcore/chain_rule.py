"""The chain rule written out on the computation graph: ∂J/∂node as a sum over paths.

∂J/∂node = Σ over the paths from the node up to the output of the product of the local
derivatives ∂parent/∂child along the path, written in LaTeX in three stages: symbols, formulas,
numbers (∂J/∂w = ∂J/∂b · ∂b/∂a · ∂a/∂w = 2b · 1 · 3 = 22 · 1 · 3 = 66).
"""

from dataclasses import dataclass

import sympy

from derivcore.graph import ComputationGraph, Edge, Node
from derivcore.graph_text import GRAPH_NUMBERS
from derivcore.number_format import number_latex


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
    return number_latex(value, GRAPH_NUMBERS)

