"""The lab's checks of a computation graph's gradients, in float64 as the lab computes.

The nudge check moves one node by ε and recomputes J forward from it: k = (J(node + ε) − J)/ε
against ∂J/∂node. The gradient check is the central difference D(ε) = (J(v + ε) − J(v − ε))/(2ε)
for every input v against ∂J/∂v. Both recompute J along the graph in float64 (`FLOAT`), so they
show the finite difference's own error (truncation about ε²·|J‴|/6 for D, rounding about
u·|J|/ε).

The gradient check's rule: the relative difference |g − D| / max(|g|, |D|, E/1e-7) must be below
1e-7, where E is D's own error estimate: truncation |D(ε) − D(2ε)|/3 (D(ε) = J′ + cε² + …, so
D(2ε) − D(ε) ≈ 3cε²) plus rounding u·(|J(v+ε)| + |J(v−ε)|)/ε, doubled for safety. So g passes
when it is within 1e-7 of D relatively, or within D's own error E; the scale never vanishes (w³ at
0 with ε = 1e-3: g = 0, D = ε² = 1e-6 = E/2 passes), and where E is larger than |g| the check
says it cannot resolve the gradient.
"""

import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from derivcore.graph import ComputationGraph, computation_graph
from derivcore.graph_arithmetic import FLOAT, evaluate
from derivcore.nudge import Nudge, nudged

GRADIENT_CHECK_THRESHOLD = 1e-7
"""The usual rule of thumb: a relative difference below this means the gradient is right."""

_U = sys.float_info.epsilon / 2

_TINY = sys.float_info.min


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
                values[node.id] = evaluate(node.formula, env, FLOAT)
            moved.add(node.id)
    return float(values[graph.output])


def relative_difference(a: float, b: float, floor: float = _TINY) -> float:
    """|a − b| / max(|a|, |b|, floor): 0 when both are equal, nan when either is nan."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), floor)


@dataclass(frozen=True)
class NudgeCheck:
    """The lab's check on one node: the nudge k = (J(v + ε) − J(v))/ε against ∂J/∂node, in
    float64, with J recomputed from the node's value v (`nudge.x`) and from v + ε."""

    node: int
    nudge: Nudge
    grad: float
    relative_difference: float


def nudge_check(graph: ComputationGraph, node: int | str, eps: float = 1e-6) -> NudgeCheck:
    """Nudge one node by ε, recompute J forward from it (its inputs held fixed), compare.

    Both J and J(node + ε) are recomputed in float64 along the same path, so k shows the lab's
    finite-difference error (about ε·|J''|/2 plus rounding about 1e-16·|J|/ε), nothing else.
    """
    _validate_eps(eps)
    target = graph.node(node)
    step = nudged(
        lambda v: _float_forward(graph, {target.id: v}), float(target.value), float(eps)
    )
    return NudgeCheck(target.id, step, target.grad, relative_difference(step.k, target.grad))


@dataclass(frozen=True)
class GradientCheck:
    """Central difference D = (J(v + ε) − J(v − ε))/(2ε) in float64 against ∂J/∂v from the graph,
    with D's own error estimate and the verdict of the module's rule."""

    variable: str
    gradient: float
    numerical: float
    relative_difference: float
    passes: bool
    fd_error: float  # E: D's own error estimate (truncation + rounding, doubled)

    @property
    def resolves(self) -> bool:
        """Whether D's own error is smaller than the gradient, so the check can tell it from 0."""
        return self.fd_error < abs(self.gradient) or self.gradient == 0 == self.fd_error

    def verdict(self) -> str:
        """'yes', 'no', a pass that says how coarse the check is here (±E), or 'cannot tell'
        where E is larger than the gradient. Short: it is a table cell."""
        if not self.passes:
            return "no"
        if not math.isfinite(self.fd_error):
            return "cannot tell: E > |g|"  # J overflows at v ± ε: D's error is unbounded
        if self.fd_error <= GRADIENT_CHECK_THRESHOLD * max(abs(self.gradient), abs(self.numerical)):
            return "yes"
        if self.gradient != 0 and not self.resolves:
            return "cannot tell: E > |g|"  # D's own error is larger than the gradient
        return f"yes, to ±{self.fd_error:.1e}"


def gradient_check(
    expr: "sympy.Expr | ComputationGraph",
    values: Mapping[str, object] | None = None,
    eps: float = 1e-6,
) -> dict[str, GradientCheck]:
    """The gradient check for every variable, by name (sorted), by the rule in the module
    docstring. Takes an expression and its values, or an already built graph.
    """
    _validate_eps(eps)
    if isinstance(expr, ComputationGraph):
        graph = expr
    else:
        graph = computation_graph(expr, values if values is not None else {})
    checks = {}
    for name, grad in graph.gradient().items():
        node = graph.node(name)

        def j(step: float, node=node) -> float:
            return _float_forward(graph, {node.id: node.value + step})

        up, down = j(eps), j(-eps)
        numerical = (up - down) / (2 * eps)
        wide = (j(2 * eps) - j(-2 * eps)) / (4 * eps)
        with np.errstate(all="ignore"):
            rounding = _U * (abs(up) + abs(down)) / eps
            truncation = abs(numerical - wide) / 3
        # Where J has no value at v ± 2ε (the edge of its domain), truncation cannot be
        # estimated: E is then rounding only, the rule of thumb's strictness.
        fd_error = 2 * (truncation + rounding if math.isfinite(truncation) else rounding)
        floor = fd_error / GRADIENT_CHECK_THRESHOLD if math.isfinite(fd_error) else math.inf
        rel = relative_difference(numerical, grad, max(floor, _TINY))
        checks[name] = GradientCheck(
            name, grad, numerical, rel, bool(rel < GRADIENT_CHECK_THRESHOLD), fd_error
        )
    return checks


def _validate_eps(eps: float) -> None:
    if not (isinstance(eps, numbers.Real) and math.isfinite(eps) and eps > 0):
        raise ValueError(f"ε must be a positive finite number, not {eps!r}.")

