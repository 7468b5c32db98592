"""Automatic differentiation: the computation graph's forward and backward pass, run in float64,
float32 or float16.

`derivcore.graph` builds J's graph and runs both passes in 40-digit mpmath, for exact numbers on
the chain-rule page. Here the same graph is run as a machine-learning framework runs it: every
value, every local derivative ∂parent/∂child and every product and sum of the backward pass is a
number of the chosen dtype. There is no step ε, so there is no truncation error and no
cancellation of J(w+ε) − J(w): the result is J′ up to rounding, about u·|J′| times a modest
factor (u = 2⁻⁵³, 2⁻²⁴, 2⁻¹¹). One backward pass gives ∂J/∂v for every input v at once, which is
why frameworks use it. It can still go wrong where an intermediate value leaves the dtype's range
(float16 overflows beyond 65504 and underflows below about 6e-8): `AutodiffResult.problems` names
the node where that happens.
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
        # Parents before children (ids are a topological order), as in graph.py's mpmath pass.
        for edge in sorted(graph.edges, key=lambda e: -e.parent):
            parent = graph.nodes[edge.parent]
            env = {graph.nodes[c].symbol: forward[c] for c in parent.children}
            local = arithmetic.real(evaluate(edge.derivative, env, arithmetic))
            grads[edge.child] = arithmetic.real(grads[edge.child] + grads[edge.parent] * local)
    gradient = {
        node.name: float(grads[node.id])
        for node in sorted((n for n in graph.nodes if n.is_input), key=lambda n: n.name)
    }
    return AutodiffResult(dtype, float(forward[graph.output]), gradient, tuple(problems))


def _range_problem(node, value: float, dtype: str, limit: float) -> str:
    """A sentence when the node's value in `dtype` left the range its exact value is in."""
    exact = node.value  # float64 of the 40-digit value
    if math.isinf(value) and math.isfinite(exact):
        return (
            f"In {dtype}, {node.name} = {plain(node.formula)} is {exact:.3g}, beyond the "
            f"largest {dtype} number ({limit:.5g}): it overflows to ∞ and what depends on it "
            "is lost."
        )
    if value == 0 and exact != 0 and math.isfinite(exact):
        return (
            f"In {dtype}, {node.name} = {plain(node.formula)} is {exact:.3g}, below the "
            f"smallest {dtype} number: it underflows to 0."
        )
    return ""
