"""Automatic differentiation: the computation graph's forward and backward pass, run in float64,
float32 or float16.

`derivcore.graph` builds J's graph and runs both passes in 40-digit mpmath, for exact numbers on
the chain-rule page. Here the same graph is run as a machine-learning framework runs it: every
value, every local derivative ∂parent/∂child and every product and sum of the backward pass is a
number of the chosen dtype. There is no step ε, so there is no truncation error and no
cancellation of J(w+ε) − J(w). One backward pass gives ∂J/∂v for every input v at once, which
is why frameworks use it. It is not always exact up to rounding, and `accuracy` says which case a
result is in, from the numbers: a value or local derivative can leave the dtype's range (float16
overflows beyond 65504 and underflows below about 6e-8; `AutodiffResult.problems` names the node),
a local derivative can be computed from values already rounded (σ(w)·(1 − σ(w)) is 0 in float64
at w = 40, where σ(w) rounds to 1), and the chain rule's terms can cancel (sin(w)/w at 1e-8: two
terms of 1e8 leave −3.3e-9), so that their rounding, about u·Σ|terms| (u = 2⁻⁵³, 2⁻²⁴, 2⁻¹¹), is
larger than J′ itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from derivcore.catalogue import NUMPY_OF_SYMPY
from derivcore.graph import ComputationGraph
from derivcore.graph_arithmetic import MP, MP_FORWARD, evaluate
from derivcore.graph_text import plain
from derivcore.numeric import DTYPES, round_to_dtype


@dataclass(frozen=True)
class AutodiffResult:
    """J and ∂J/∂v (every input v, by name) from the passes in `dtype`, with the nodes whose
    value overflowed or underflowed there."""

    dtype: str
    value: float
    gradient: dict[str, float]
    problems: tuple[str, ...]
    locals: tuple[float, ...] = ()  # ∂parent/∂child in dtype, one per edge of graph.edges

    def derivative(self, var: str) -> float:
        """∂J/∂var; 0 when J does not use var."""
        return self.gradient.get(var, 0.0)

    def error(self, var: str, exact: float) -> float:
        """|∂J/∂var − exact|: how far backprop is from the true slope."""
        return abs(self.derivative(var) - exact)


class _DtypeArithmetic:
    """IEEE arithmetic of one dtype through NumPy scalars: each operation's result is rounded to
    the dtype (NumPy computes float16 in float32 and rounds); overflow gives ±inf, out of the
    domain nan, never an exception. Functions NumPy lacks use mpmath, rounded to the dtype."""

    def __init__(self, dtype: str):
        self.dtype = dtype
        self.scalar = np.dtype(dtype).type
        self.nan = self.scalar("nan")

    def constant(self, c: sympy.Expr):
        try:
            return self.scalar(round_to_dtype(c, self.dtype))
        except TypeError:
            return self.nan

    def power(self, base, exponent):
        with np.errstate(all="ignore"):
            return self.scalar(np.power(self.scalar(base), self.scalar(exponent)))

    def real(self, value):
        with np.errstate(all="ignore"):
            return self.scalar(value)

    def call(self, func, args):
        with np.errstate(all="ignore"):
            if func in NUMPY_OF_SYMPY:
                return self.scalar(NUMPY_OF_SYMPY[func](*args))
            exact = MP_FORWARD.call(func, [MP.mpf(float(a)) for a in args])
            return self.scalar(float(MP_FORWARD.real(exact)))


def backprop(
    graph: ComputationGraph, dtype: str = "float64", values: Mapping[str, object] | None = None
) -> AutodiffResult:
    """Forward pass, local derivatives and backward pass of `graph`, all in `dtype`.

    Inputs are the graph's own input values, or `values` (name → number) rounded once to the
    dtype (give exact numbers: 0.1 is rounded straight to float32, not via float64).
    """
    if dtype not in DTYPES:
        raise ValueError(f"Unknown number type '{dtype}'; choose one of {', '.join(DTYPES)}.")
    arithmetic = _DtypeArithmetic(dtype)
    given = dict(values or {})
    forward = []
    problems: list[str] = []
    damaged: set[int] = set()
    limit = float(np.finfo(dtype).max)
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            if node.is_input:
                value = given.get(node.name, node.value)
                if not isinstance(value, sympy.Basic):
                    value = sympy.Rational(value)  # exact: a float 0.0 must stay 0, not nan
                forward.append(arithmetic.constant(value))
                continue
            env = {graph.nodes[c].symbol: forward[c] for c in node.children}
            forward.append(arithmetic.real(evaluate(node.formula, env, arithmetic)))
            if damaged.intersection(node.children):
                damaged.add(node.id)  # reported where the trouble started
                continue
            problem = _range_problem(node, float(forward[-1]), dtype, limit)
            if problem:
                problems.append(problem)
                damaged.add(node.id)

        grads = [arithmetic.scalar(0)] * len(graph.nodes)
        grads[graph.output] = arithmetic.scalar(1)
        locals_ = {}
        # Parents before children (ids are a topological order), as in graph.py's mpmath pass.
        for edge in sorted(graph.edges, key=lambda e: -e.parent):
            parent = graph.nodes[edge.parent]
            env = {graph.nodes[c].symbol: forward[c] for c in parent.children}
            local = arithmetic.real(evaluate(edge.derivative, env, arithmetic))
            locals_[(edge.child, edge.parent)] = float(local)
            grads[edge.child] = arithmetic.real(grads[edge.child] + grads[edge.parent] * local)
    gradient = {
        node.name: float(grads[node.id])
        for node in sorted((n for n in graph.nodes if n.is_input), key=lambda n: n.name)
    }
    local_values = tuple(locals_[(e.child, e.parent)] for e in graph.edges)
    return AutodiffResult(
        dtype, float(forward[graph.output]), gradient, tuple(problems), local_values
    )


def _range_problem(node, value: float, dtype: str, limit: float) -> str:
    """A sentence when the node's value in `dtype` left the range its exact value is in."""
    exact = node.value  # float64 of the 40-digit value
    if math.isinf(value) and math.isfinite(exact):
        return (
            f"In {dtype}, {node.name} = {plain(node.formula)} is {exact:.3g}, beyond the "
            f"largest {dtype} number ({limit:.5g}): it overflows to ∞ and what depends on it "
            "is lost."
        )
    # Underflow only where the exact value is below the dtype's smallest (subnormal) number: a 0
    # from 1 + 4e-18 rounding to 1 is absorption upstream, not underflow (softplus at −40).
    smallest = float(np.finfo(dtype).smallest_subnormal)
    if value == 0 and exact != 0 and abs(exact) < smallest and math.isfinite(exact):
        return (
            f"In {dtype}, {node.name} = {plain(node.formula)} is {exact:.3g}, below the "
            f"smallest {dtype} number ({smallest:.2g}): it underflows to 0."
        )
    return ""


ROUNDING_ALLOWANCE = 4
"""Backprop is "exact up to rounding" when |backprop − J′| ≤ this × (number of operations) × u
× |J′|: every operation rounds once, by at most u relative (u = 2⁻⁵³ in float64)."""


def accuracy(graph: ComputationGraph, result: AutodiffResult, var: str, exact: float) -> str:
    """One sentence: is backprop's ∂J/∂var exact up to rounding, judged against `exact` (J′ at the
    point backprop used, e.g. `graph.gradient()[var]` of a graph built there), and if not, why.

    Exact up to rounding: |error| ≤ ROUNDING_ALLOWANCE·n·u·|J′| (n operations). Otherwise the
    first local derivative whose dtype value left its exact value (overflow, underflow, or digits
    lost because it is computed from values already rounded), else cancellation in the backward
    sum: its terms, of total size S = Σ over paths of Π|∂parent/∂child|, round by about u·S.
    """
    got = result.derivative(var)
    if not math.isfinite(exact):
        return ""
    u = float(np.finfo(result.dtype).eps) / 2
    error = abs(got - exact) if math.isfinite(got) else math.inf
    allowance = ROUNDING_ALLOWANCE * len(graph.nodes) * u * abs(exact)
    if error <= allowance:
        return (
            f"Exact up to rounding: |backprop − J′| = {error:.3g}, within a few u·|J′| "
            f"(u = {u:.2g} in {result.dtype})."
        )
    off = f"Not exact: backprop gives {got!r} where J′ = {exact!r} ({_share(error, exact)})."
    local = _first_bad_local(graph, result)
    if local:
        return f"{off} {local}"
    size = _term_size(graph, var)
    if error <= ROUNDING_ALLOWANCE * len(graph.nodes) * u * size:
        return (
            f"{off} Cancellation in the backward pass: the chain rule's terms add up to about "
            f"{size:.3g} in size and cancel to J′ = {exact:.3g}, so their rounding (about "
            f"u·{size:.3g} = {u * size:.2g}) is as large as J′ itself."
        )
    return (
        f"{off} The values backprop computes from are already rounded to {result.dtype}, and "
        "J′ is sensitive to them here."
    )


def _share(error: float, exact: float) -> str:
    if exact == 0 or not math.isfinite(error):
        return f"off by {error:.3g}"
    share = error / abs(exact)
    if share < 100:
        return f"off by {error:.3g}, {100 * share:.3g} % of |J′|"
    return f"off by {error:.3g}, {share:.2g} times |J′|"


def _first_bad_local(graph: ComputationGraph, result: AutodiffResult) -> str:
    """A sentence on the first local derivative (children before parents) whose dtype value lost
    its exact value: ±∞, nan, 0, or off by more than 1 % (most of its digits gone)."""
    smallest = float(np.finfo(result.dtype).smallest_subnormal)
    dtype = result.dtype
    for edge, got in sorted(zip(graph.edges, result.locals, strict=True), key=_by_child):
        exact = edge.value
        parent, child = graph.nodes[edge.parent], graph.nodes[edge.child]
        name = f"∂{parent.name}/∂{child.name} = {plain(edge.derivative)}"
        if math.isinf(got) and not math.isinf(exact):
            return (
                f"The local derivative {name} is {exact:.3g} but comes out {got} in {dtype}: a "
                f"value inside it leaves {dtype}'s range (overflow), and ∞ runs down the chain."
            )
        if math.isnan(got) and not math.isnan(exact):
            return (
                f"The local derivative {name} is {exact:.3g} but comes out nan in {dtype}: a "
                "value inside it overflows or underflows (∞/∞, 0/0 or ∞·0)."
            )
        if not math.isfinite(exact) or exact == 0:
            continue
        if got == 0 and abs(exact) < smallest:
            return (
                f"The local derivative {name} is {exact:.3g}, below the smallest {dtype} "
                f"number ({smallest:.2g}): it underflows to 0."
            )
        if got == 0 or abs(got - exact) > 0.01 * abs(exact):
            return (
                f"The local derivative {name} is {exact:.3g} but comes out {got:.3g} in "
                f"{dtype}: it is computed from values already rounded to {dtype} (a difference "
                "of nearly equal numbers, such as 1 − σ with σ rounded to 1, loses its digits)."
            )
    return ""


def _by_child(pair) -> tuple[int, int]:
    edge = pair[0]
    return edge.child, edge.parent


def _term_size(graph: ComputationGraph, var: str) -> float:
    """Σ over the paths from J down to var of Π|∂parent/∂child|: the size of the chain rule's
    terms before they add up (from the graph's exact local derivatives)."""
    size = [0.0] * len(graph.nodes)
    size[graph.output] = 1.0
    for edge in sorted(graph.edges, key=lambda e: -e.parent):
        size[edge.child] += size[edge.parent] * abs(edge.value)
    inputs = [n.id for n in graph.nodes if n.is_input and n.name == var]
    return size[inputs[0]] if inputs else 0.0  # J need not use var at all
