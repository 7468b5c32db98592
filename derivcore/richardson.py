"""Richardson extrapolation of the central difference, and an automatic step.

The central difference has only even powers of h in its error:

    D(h) = (J(w+h) − J(w−h)) / 2h = J′ + c₂h² + c₄h⁴ + c₆h⁶ + …

so from D(h) and D(h/2) the h² term cancels: R = (4·D(h/2) − D(h))/3 = J′ + O(h⁴). Repeating
this on the results is Richardson's tableau: with steps h/2^i,

    T[i][0] = D(h/2^i),   T[i][j] = T[i][j−1] + (T[i][j−1] − T[i−1][j−1]) / (4^j − 1),

and T[i][j] has error O(h^(2j+2)). The truncation arm of the V gets steeper and moves down; the
rounding arm (about u·|J|/h) stays, so the bottom of the V moves down and towards a
larger ε: an extrapolated difference wants a larger step, not a smaller one.

`automatic_derivative` uses the same idea the libraries use (numdifftools, SciPy's
`differentiate.derivative`) with fewer evaluations of J:

1. the first step h is the power of two below √max(|w|, 1)/32 (a scale from |w| alone: steps
   like |w| itself would alias an oscillation such as sin at 1e4);
2. J at w ± k·h for k = 1..5 (10 evaluations) gives the central differences of order 2, 4, ...,
   10 (Fornberg weights; the order-2j stencil on ±1..±j is Richardson extrapolation over the
   steps h..jh). Their successive differences δⱼ are the curvature probe: while they fall, the
   steps are within J's reach;
3. the estimate of order j is max(δⱼ·rate, |distance to the higher orders that still converge
   and to the first that does not|, u·Σ|cᵢ·J(wᵢ)|/h): δⱼ is the error of the order below, the
   rate (the larger of the last two ratios δⱼ/δⱼ₋₁ and their trend) turns it into this order's,
   and the last term bounds the rounding. The order with the smallest estimate is the answer;
4. if that estimate is not within 10× of the rounding bound (nor below 128·u·|J′|), the step
   shrinks by the factor at which truncation (∝ h^(order+1)) should meet rounding (∝ 1/h), and
   the points already computed are reused; a smaller step that would only add rounding ends the
   search;
5. the reported estimate is also at least ε_J·‖c‖₂/h, the rounding of J's values as J's own
   formula makes it (`noise`, from derivcore.evaluation_noise: where J loses digits inside its
   formula, as log(1 + w²) near 0, that is far above u·|J|). The search itself keeps u·|J|:
   ε_J is a worst-case bound, and letting it end the search early made results less accurate;
6. where J is not finite at some step (the edge of its domain, or a pole within 5h) the step
   shrinks below that point; where J fails even at ±h on one side, one-sided Fornberg stencils
   on 0..j on the other side are used, and their estimate includes the change from the previous
   one-sided step (J at a domain edge is rarely smooth: √w has terms in √h).

(Over 400 lines with this statement of the algorithm; one concept, the extrapolated central
difference, and the pieces of the automatic step only make sense together.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import sympy

from derivcore.numeric import Values, compile_function, round_to_dtype

UNIT_ROUNDOFF = 2.0**-53
POINTS_PER_SIDE = 5  # 10 evaluations of J per round: orders 2..10
MAX_ROUNDS = 6
FIRST_STEP = 1 / 32  # times √max(|w|, 1)
_CONVERGED = 10.0  # truncation estimate within this factor of the rounding bound: stop shrinking
_GOOD_ENOUGH = 128 * UNIT_ROUNDOFF  # ... or a relative error estimate this small: stop as well


def fornberg_weights(nodes, order: int = 1) -> np.ndarray:
    """Weights c such that J^(order)(w) ≈ Σ cᵢ·J(w + nodesᵢ·h) / h^order (Fornberg 1988).

    The stencil is exact for polynomials of degree < len(nodes): nodes (−1, 1) give (−½, ½),
    the central difference; (0, 1) give (−1, 1), the forward difference.
    """
    z = np.asarray(nodes, dtype=np.float64)
    n = len(z)
    if n <= order:
        raise ValueError(f"A derivative of order {order} needs more than {order} nodes.")
    c = np.zeros((n, order + 1))
    c[0, 0] = 1.0
    c1, c4 = 1.0, z[0]
    for i in range(1, n):
        mn = min(i, order)
        c2, c5, c4 = 1.0, c4, z[i]
        for j in range(i):
            c3 = z[i] - z[j]
            c2 *= c3
            if j == i - 1:
                for k in range(mn, 0, -1):
                    c[i, k] = c1 * (k * c[i - 1, k - 1] - c5 * c[i - 1, k]) / c2
                c[i, 0] = -c1 * c5 * c[i - 1, 0] / c2
            for k in range(mn, 0, -1):
                c[j, k] = (c4 * c[j, k] - k * c[j, k - 1]) / c3
            c[j, 0] = c4 * c[j, 0] / c3
        c1 = c2
    return c[:, order].copy()


# ---- Richardson against ε (for the error plot) --------------------------------------------------


def central_differences(
    f: Callable[[np.ndarray], np.ndarray], x: float, steps: np.ndarray, dtype: str
) -> np.ndarray:
    """(J(x+h) − J(x−h)) / (2h) for every h, computed in `dtype` exactly as written."""
    scalar = np.dtype(dtype).type
    with np.errstate(all="ignore"):
        xd = scalar(round_to_dtype(float(x), dtype))
        h = np.asarray(steps, dtype=dtype)
        return (f(xd + h) - f(xd - h)) / (scalar(2) * h)


def richardson_tableau(
    f: Callable[[np.ndarray], np.ndarray], x: float, eps, levels: int, dtype: str = "float64"
) -> np.ndarray:
    """Richardson's tableau T[i][j] (shape levels × levels × len(eps), nan above the diagonal)
    with steps ε/2^i, every operation in `dtype`. T[levels−1][levels−1] is the best estimate."""
    if not 1 <= levels <= 8:
        raise ValueError("The tableau needs between 1 and 8 levels.")
    eps = np.atleast_1d(np.asarray(eps, dtype=np.float64))
    scalar = np.dtype(dtype).type
    table = np.full((levels, levels, eps.size), np.nan)
    rows: list[list[np.ndarray]] = []
    with np.errstate(all="ignore"):
        for i in range(levels):
            row = [central_differences(f, x, eps / 2**i, dtype)]
            for j in range(1, i + 1):
                factor = scalar(4**j - 1)
                row.append(row[j - 1] + (row[j - 1] - rows[i - 1][j - 1]) / factor)
            rows.append(row)
            for j, values in enumerate(row):
                table[i, j] = values.astype(np.float64)
    return table


def richardson_estimates(
    expr: sympy.Expr,
    var: str,
    x: float,
    eps,
    dtype: str = "float64",
    values: Values = None,
    levels: int = 2,
) -> np.ndarray:
    """The extrapolated central difference for every ε: levels = 2 is (4·D(ε/2) − D(ε))/3,
    more levels the corner of the tableau on ε, ε/2, …, ε/2^(levels−1)."""
    f = compile_function(expr, var, dtype, values)
    return richardson_tableau(f, x, eps, levels, dtype)[levels - 1, levels - 1]


def break_reach(f: Callable[[np.ndarray], np.ndarray], x: float, eps, levels: int = 4) -> float:
    """The smallest ε of the grid from which on every larger one straddles a break of J (see
    `straddles_a_break`), or ∞. Only a run that lasts up to the largest ε counts: a break, once
    within reach, stays within reach of every larger step, while isolated alarms among tiny ε
    are rounding (w³ at −2 near ε = 1e-16)."""
    eps = np.sort(np.atleast_1d(np.asarray(eps, dtype=np.float64)))
    broken = straddles_a_break(f, x, eps, levels)
    if not broken[-1]:
        return math.inf
    fine = np.flatnonzero(~broken)
    return float(eps[fine[-1] + 1] if fine.size else eps[0])


def straddles_a_break(
    f: Callable[[np.ndarray], np.ndarray], x: float, eps, levels: int = 4
) -> np.ndarray:
    """For every ε, whether J's own numbers at the steps ε, ε/2, …, ε/2^(levels−1) (float64) say
    that these steps reach past where J is smooth: a pole, a jump or the edge of its domain.

    Within J's reach the central differences follow D(h) = J′ + c₂h² + …, so the change from
    D(h) to D(h/2) shrinks (by about 4) each time the step halves and keeps its sign. A step
    across a pole breaks both: the changes grow, or flip sign (1/w at 0.01: D(0.1) = 101,
    D(0.05) = 417, D(0.025) = 1905, D(0.0125) = 17778 while J′ = −1e4). Changes within 100× of
    the rounding error (of J, u·max|J|/h, and of the step, x + h − x ≠ h) are noise and say
    nothing; a non-finite value says it outright.
    """
    eps = np.atleast_1d(np.asarray(eps, dtype=np.float64))
    x = float(x)
    steps = eps[None, :] / 2.0 ** np.arange(levels)[:, None]
    with np.errstate(all="ignore"):
        right, left = f(x + steps), f(x - steps)
        column = (right - left) / (2 * steps)
        size = np.maximum(np.abs(right), np.abs(left)).max(axis=0)
        # Rounding of J, and of the step itself (x + h − x differs from h by up to ulp(x)/2).
        noise = (UNIT_ROUNDOFF * size + np.abs(column).max(axis=0) * np.spacing(x)) / steps[-1]
        noise *= 100
        changes = np.diff(column, axis=0)
        loud = (np.abs(changes[:-1]) > noise) & (np.abs(changes[1:]) > noise)
        grows = np.abs(changes[1:]) > np.abs(changes[:-1])
        flips = np.sign(changes[1:]) != np.sign(changes[:-1])
        broken = (loud & (grows | flips)).any(axis=0)
    return broken | ~np.isfinite(column).all(axis=0)


def locate_pole(f: Callable[[np.ndarray], np.ndarray], x: float, step: float, levels: int = 4):
    """Where J changes sign through a pole between the points x ± step/2^i and x, by bisection
    (|J| grows towards a pole and shrinks towards a root, which tells them apart), or None."""
    offsets = step / 2.0 ** np.arange(levels)
    points = np.sort(np.concatenate([x - offsets, [x], x + offsets]))
    with np.errstate(all="ignore"):
        values = f(points)
        infinite = np.isinf(values)
        if infinite.any():  # the pole itself, hit exactly
            return float(points[infinite][np.argmin(np.abs(points[infinite] - x))])
        pairs = [
            i
            for i in range(len(points) - 1)
            if np.isfinite(values[i : i + 2]).all() and values[i] * values[i + 1] < 0
        ]
        if not pairs:
            return None
        i = max(pairs, key=lambda i: abs(values[i + 1] - values[i]))
        a, b, fa = float(points[i]), float(points[i + 1]), float(values[i])
        start = min(abs(fa), abs(float(values[i + 1])))
        for _ in range(200):
            middle = (a + b) / 2
            if middle in (a, b):
                break
            fm = float(f(np.array([middle]))[0])
            if not math.isfinite(fm):
                return middle  # the pole itself, hit exactly
            a, b, fa = (middle, b, fm) if fm * fa > 0 else (a, middle, fa)
        blows_up = min(abs(fa), abs(float(f(np.array([b]))[0]))) > 1e3 * start
    if not blows_up:
        return None
    pole = (a + b) / 2
    # Bisection towards a pole at 0 ends among the tiniest floats (1e-63), not at 0 itself.
    return 0.0 if abs(pole) < 1e-12 * step else pole


# ---- the automatic step --------------------------------------------------------------------------


@dataclass(frozen=True)
class AutoStep:
    """J′ from the automatic step, with an error estimate and what it cost.

    `method` is "central", "one-sided (right)" or "one-sided (left)"; `order` the order of the
    stencil used; `evaluations` the number of values of J computed; `value` is nan (and `message`
    says why) where no side of the point gives finite values."""

    value: float
    error_estimate: float
    step: float
    order: int
    method: str
    evaluations: int
    message: str = ""


@dataclass(frozen=True)
class _Candidate:
    value: float
    estimate: float
    rounding: float
    order: int
    method: str
    step: float
    noisy: float = 0.0


def _family(
    values: np.ndarray, nodes_by_order: list[np.ndarray], h: float, method: str, noise: float
):
    """The best of a family of nested stencils, by estimated error, or None. `noise` is the
    rounding ε_J each value of J carries (derivcore.evaluation_noise); it goes into the
    candidate's `noisy` bound only, for the reported estimate (see `automatic_derivative`)."""
    roundings, results, noisy = [], [], []
    # The weights sum to 0 only up to rounding (9e-16 for the ten nodes around −0.083, whose
    # x ± kh − x are not whole multiples of h): applied to J itself, that leftover times J/h is
    # an error (2.6e-14 for exp there) that no estimate sees. Applied to J − J(first node),
    # exact for nearby values (Sterbenz), the constant part of J never enters.
    base = values[0][0]
    for nodes, vals in zip(nodes_by_order, values, strict=True):
        w = fornberg_weights(nodes)
        half = len(nodes) // 2
        if method == "central" and np.array_equal(nodes, -nodes[::-1]):
            # Symmetric nodes: exactly antisymmetric weights on the differences J(w+kh) − J(w−kh),
            # so that an even J around w gives exactly 0 (cos at 0), not rounding noise.
            c = (w[half:] - w[:half][::-1]) / 2
            results.append(float(np.dot(c, vals[half:] - vals[:half][::-1]) / h))
        else:
            results.append(float(np.dot(w, vals - base) / h))
        roundings.append(UNIT_ROUNDOFF * float(np.dot(np.abs(w), np.abs(vals))) / h)
        # J's own noise ε_J (a bound per value): independent errors add in quadrature.
        noisy.append(noise * float(np.linalg.norm(w)) / h)
    deltas = [math.nan] + [abs(results[j] - results[j - 1]) for j in range(1, len(results))]
    end = len(results)
    for j in range(2, len(results)):
        if deltas[j] >= deltas[j - 1] and deltas[j] > roundings[j]:
            end = j  # no longer converging: the orders beyond are noise or steps out of J's reach
            break
    best = None
    for j in range(2, end):
        # The difference of two orders is the error of the lower one; times the rate of
        # convergence it estimates the higher one's. The larger of the last two rates, and their
        # trend (rates that grow, as near a branch point, keep growing), so that a lucky
        # near-agreement of two orders does not pass for accuracy.
        rates = [_rate(deltas[i], deltas[i - 1]) for i in (j, j - 1) if i >= 2]
        rate = max(rates)
        if len(rates) == 2 and rates[1] > 0:
            rate = max(rate, min(1.0, rates[0] ** 2 / rates[1]))
        # The higher orders that still converge are closer to J′: the distance to them is a
        # lower bound of this order's error.
        # The first order that no longer converges counts too: it may be the more accurate one
        # (orders 4 and 6 agreeing by luck, 1e-11 apart, while 8 is 6e-11 from them and right).
        later = max(
            (abs(results[k] - results[j]) for k in range(j + 1, min(end + 1, len(results)))),
            default=0.0,
        )
        estimate = max(deltas[j] * rate, later, roundings[j])
        if math.isfinite(estimate) and (best is None or estimate < best.estimate):
            order = len(nodes_by_order[j]) - (0 if method == "central" else 1)
            best = _Candidate(results[j], estimate, roundings[j], order, method, h, noisy[j])
    return best


def _rate(delta: float, previous: float) -> float:
    return min(1.0, delta / previous) if previous > 0 else 0.0


def _central_family(left: np.ndarray, right: np.ndarray, actual_left, actual_right, m: int):
    nodes = [np.concatenate([actual_left[:j][::-1], actual_right[:j]]) for j in range(1, m + 1)]
    values = [np.concatenate([left[:j][::-1], right[:j]]) for j in range(1, m + 1)]
    return nodes, values


def _one_sided_family(centre: float, side: np.ndarray, actual: np.ndarray, m: int):
    nodes = [np.concatenate([[0.0], actual[:j]]) for j in range(1, m + 1)]
    values = [np.concatenate([[centre], side[:j]]) for j in range(1, m + 1)]
    return nodes, values


def _power_of_two_below(value: float) -> float:
    return 2.0 ** math.floor(math.log2(value))


class _Remembered:
    """J with every value it has given kept: a halved step reuses half of the points."""

    def __init__(self, f: Callable[[np.ndarray], np.ndarray]):
        self.f = f
        self.known: dict[float, float] = {}
        self.evaluations = 0

    def __call__(self, points: np.ndarray) -> np.ndarray:
        wanted = np.asarray(points, dtype=np.float64).tolist()
        new = [p for p in dict.fromkeys(wanted) if p not in self.known]
        if new:
            values = np.asarray(self.f(np.array(new)), dtype=np.float64)
            self.known.update(zip(new, values.tolist(), strict=True))
            self.evaluations += len(new)
        return np.array([self.known[p] for p in wanted])


def automatic_derivative(
    f: Callable[[np.ndarray], np.ndarray],
    x: float,
    points_per_side: int = POINTS_PER_SIDE,
    max_rounds: int = MAX_ROUNDS,
    noise: float = 0.0,
) -> AutoStep:
    """J′(x) in float64 with an automatic step (see the module docstring); `f` evaluates J on a
    float64 array (nan outside the domain, never raising); `noise` is the rounding error ε_J of
    J's values near x where known (0: only u·|J| is assumed)."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"The point must be a finite number, not {x!r}.")
    m = points_per_side
    k = np.arange(1, m + 1, dtype=np.float64)
    # The first step grows like √|w|: steps as large as |w| (right for atan or 1/w at 1e4) can
    # alias an oscillation (sin(1e4 ± k·1024) looks like a gentle curve); larger steps are tried
    # below once this one has converged.
    h = _power_of_two_below(math.sqrt(max(abs(x), 1.0)) * FIRST_STEP)
    f = _Remembered(f)
    centre = None
    last_side: _Candidate | None = None
    best: _Candidate | None = None
    with np.errstate(all="ignore"):
        for _ in range(max_rounds):
            right_points, left_points = x + k * h, x - k * h
            values = f(np.concatenate([right_points, left_points]))
            right, left = values[:m], values[m:]
            # The nodes actually used, (x ± kh) − x, exact in floating point: the stencil's weights
            # are computed for them, so rounding x + kh costs nothing.
            actual_right, actual_left = (right_points - x) / h, (left_points - x) / h
            right_ok, left_ok = np.isfinite(right), np.isfinite(left)
            candidate, shrink = None, None
            if right_ok.all() and left_ok.all():
                nodes, vals = _central_family(left, right, actual_left, actual_right, m)
                candidate = _family(vals, nodes, h, "central", noise)
            else:
                # J fails at some step: the edge of its domain (or a pole) lies within m·h.
                first_bad = min(
                    int(np.argmin(right_ok)) if not right_ok.all() else m,
                    int(np.argmin(left_ok)) if not left_ok.all() else m,
                )
                if first_bad >= 1:
                    shrink = _power_of_two_below(first_bad * h / m) / h
                else:
                    if centre is None:
                        centre = float(f(np.array([x]))[0])
                    for ok, side, actual, name in (
                        (right_ok, right, actual_right, "one-sided (right)"),
                        (left_ok, left, actual_left, "one-sided (left)"),
                    ):
                        if ok.all() and math.isfinite(centre):
                            nodes, vals = _one_sided_family(centre, side, actual, m)
                            option = _family(vals, nodes, h, name, noise)
                            if option and (not candidate or option.estimate < candidate.estimate):
                                candidate = option
            if candidate is not None and candidate.method != "central":
                # At the edge of the domain J is rarely smooth (√w: terms in √h), which a family
                # on one step cannot see: the change from the previous one-sided step is part of
                # the estimate, and one one-sided step alone never ends the search.
                previous_side, last_side = last_side, candidate
                if previous_side is not None and previous_side.method == candidate.method:
                    change = abs(candidate.value - previous_side.value)
                    candidate = replace(candidate, estimate=max(candidate.estimate, change))
                else:
                    candidate = replace(candidate, rounding=0.0)
            if candidate is not None and (best is None or candidate.estimate < best.estimate):
                best = candidate
            if candidate is not None and candidate.estimate <= max(
                _CONVERGED * candidate.rounding, _GOOD_ENOUGH * abs(candidate.value)
            ):
                break
            if shrink is None:
                shrink = 1 / 64  # no convergence at all: the steps are far beyond J's reach
                if candidate is not None and candidate.estimate < abs(candidate.value):
                    # Truncation falls like h^order and rounding grows like 1/h: aim for the
                    # step where they meet.
                    target = max(candidate.rounding, UNIT_ROUNDOFF * abs(candidate.value))
                    target /= candidate.estimate
                    shrink = min(0.5, max(1 / 64, target ** (1 / (candidate.order + 1))))
            new_h = _power_of_two_below(h * shrink)
            if best is not None and 0 < best.rounding * h / new_h > best.estimate:
                break  # a smaller step would only add rounding error
            if new_h <= abs(x) * 2**-50 or new_h < 1e-300:
                break
            h = new_h
    if best is None:
        return AutoStep(
            math.nan,
            math.nan,
            h,
            0,
            "none",
            f.evaluations,
            "J has no finite values on either side of the point at any step tried.",
        )
    estimate = max(best.estimate, best.noisy)
    return AutoStep(best.value, estimate, best.step, best.order, best.method, f.evaluations)
