"""How much rounding J's float64 value carries: a first-order bound from its computation graph.

Each operation of J's graph rounds its result v to v·(1 + δ), |δ| ≤ u for + − × ÷ and about 2u for
a library's sin, exp or log (one ulp). To first order that moves J by ∂J/∂v · v · δ, so

    |J computed − J| ≲ ε_J = 2u · Σ |∂J/∂v| · |v|   over the graph's operations,

with every ∂J/∂v from one backward pass (Linnainmaa 1976 wrote reverse-mode differentiation down
to estimate exactly this). ε_J is far above u·|J| where J loses digits inside its own formula:
log(1 + w²) at 0.3 is 0.086, but 1 + w² = 1.09 is rounded before the log, so ε_J ≈ 2.3u, 27×
u·|J|. The automatic step takes ε_J as the noise level of J's values near the point.
"""

from __future__ import annotations

import math

from derivcore.graph import ComputationGraph

UNIT_ROUNDOFF = 2.0**-53
# The graph draws σ and softplus as one node each; the compiled J computes them as the parser
# writes them, 1/(1 + e^(−u)) and log(1 + e^u): three roundings each, each moving the node's
# value by about u relative.
ROUNDINGS_PER_NODE = {"sigmoid": 3, "softplus": 3}


def evaluation_noise(graph: ComputationGraph) -> float:
    """ε_J at the graph's point (absolute), or 0.0 where the graph has no finite numbers there."""
    total = math.fsum(
        ROUNDINGS_PER_NODE.get(n.op, 1) * abs(n.grad) * abs(n.value)
        for n in graph.nodes
        if not n.is_input
    )
    return 2 * UNIT_ROUNDOFF * total if math.isfinite(total) else 0.0
