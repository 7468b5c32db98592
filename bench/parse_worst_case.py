"""How long parse() takes on hostile input (target: every input answered within 50 ms).

Run: .venv/bin/python bench/parse_worst_case.py [--random N] [--seed S]

Each input is parsed with SymPy's cache cleared first, so the time is what a new input costs.
Two times are printed, best of three runs: wall-clock milliseconds, and CPU milliseconds of the
parsing thread (what TIME_BUDGET limits; it does not grow when other processes load the machine).
Then random formulas (valid and invalid, up to MAX_LENGTH) are timed once each.
"""

import argparse
import random
import sys
import time
from pathlib import Path

from sympy.core.cache import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derivcore.expressions import MAX_LENGTH, ExpressionError, parse  # noqa: E402


def fill(piece, separator: str = "+") -> str:
    """piece(1) + piece(2) + ... as long as it stays within MAX_LENGTH."""
    parts: list[str] = []
    k = 1
    while len(separator.join([*parts, piece(k)])) <= MAX_LENGTH:
        parts.append(piece(k))
        k += 1
    return separator.join(parts)


def nested(function: str, inner: str, depth: int) -> str:
    return f"{function}(" * depth + inner + ")" * depth


def hostile_inputs() -> dict[str, str]:
    return {
        # size and nesting
        "brackets at the limit": nested("", "w", 20),
        "brackets beyond the limit": "(" * 150 + "w" + ")" * 149,
        "unary minus chain": "-" * (MAX_LENGTH - 1) + "w",
        "long sum": fill(lambda k: "w"),
        "long product": fill(lambda k: "w", "*"),
        "implicit products": "w " * (MAX_LENGTH // 2),
        "many superscripts": "w²" * (MAX_LENGTH // 2),
        "product of sums": fill(lambda k: f"(w+{k})", ""),
        "sum of integer powers": fill(lambda k: f"(w+{k})^{k * 97 % 1000}"),
        "long sum of distinct terms": fill(lambda k: f"{k}w^{k % 9}"),
        # towers and huge numbers
        "symbolic tower": "^".join(["w"] * (MAX_LENGTH // 2)),
        "numeric tower": "^".join(["2"] * (MAX_LENGTH // 2)),
        "towers at the nesting limit": fill(lambda k: f"(w+{k})^(w+{k + 1})^(w+{k + 2})"),
        "9**9**9**9": "9**9**9**9",
        "10^10^10": "10^10^10",
        "(w+1)^10^7": "(w+1)^10^7",
        "(w+1)^900 twice": "(w+1)^900*(w+1)^900",
        "long literal": "9" * MAX_LENGTH,
        "50-digit literals multiplied": fill(lambda k: "9" * 50, "*"),
        "huge decimal exponent": "1e999999999",
        "products of 2^999": fill(lambda k: "2^999", "*"),
        "products of 0.5^999": fill(lambda k: "0.5^999", "*"),
        "roots of 40-digit numbers": fill(lambda k: f"(10^39+{k})^(1/{k + 2})", "*"),
        "rational roots": fill(lambda k: f"({k}/{k + 7})^({k}/{k + 3})", "*"),
        "exp of c*log": "exp(-10^9*log(9))",
        "exp of pi*(c*log+w)": "exp(pi*(10^9*log(9)+w))",
        "trig of a huge constant": "abs(sin(exp(exp(exp(9)))))",
        # sums that are exactly 0 but look otherwise to SymPy
        "cancellation under abs": "abs(1/(sin(1)^2+cos(1)^2-1))",
        "algebraic cancellation": "exp(w*(sqrt(2)+sqrt(3)-sqrt(5+2sqrt(6))))",
        # the most SymPy work the limits allow
        "nested sigmoid": nested("sigmoid", "w", 4),
        "nested softplus": nested("softplus", "w-x", 3),
        "nested relu": nested("relu", "w-x+1", 4),
        "flat softplus": "+".join(f"softplus({k}w-{k}x+{k})" for k in range(1, 4)),
        "flat relu": "+".join(f"relu({k}w-{k}x+{k})" for k in range(1, 5)),
        "12 distinct functions": "+".join(
            f"{f}({k}w^{k}+{k}x)" for k, f in enumerate(
                ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp",
                 "log", "sqrt"], 1)
        ),
        "12 functions of constants": "+".join(
            f"{f}(sqrt({k})+pi)" for k, f in enumerate(
                ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp",
                 "log", "sqrt"], 1)
        ),
        "12 nested logs": nested("log", "w^2+w+1", 12),
        "mixed nesting": "sigmoid(relu(abs(tan(asin(w^2+1)))))",
        "symbolic exponents": fill(lambda k: f"(w+{k})^(x+{k})")[:60].rsplit("+", 1)[0],
        # not formulas at all
        "Python payload": "__import__('os').system('echo hi')",
        "garbage": "".join(chr(33 + (k * 7919) % 90) for k in range(MAX_LENGTH)),
    }


_ATOMS = ["w", "x", "2", "0.5", "1e-3", "pi", "e", "9", "10", "1000", "w²", "π", "3w"]
_BINARY = ["+", "-", "*", "/", "^", " "]
_FUNCTIONS = ["sin", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "softplus"]


def random_formula(rng: random.Random, budget: int) -> str:
    """A random formula from a small grammar, valid or (sometimes) not."""
    roll = rng.random()
    if budget <= 1 or roll < 0.3:
        return rng.choice(_ATOMS)
    if roll < 0.5:
        return f"{rng.choice(_FUNCTIONS)}({random_formula(rng, budget - 1)})"
    if roll < 0.6:
        return f"({random_formula(rng, budget - 1)})"
    if roll < 0.62:  # a typo
        return random_formula(rng, budget - 1) + rng.choice(["(", ")", "+", "^", ",", "!"])
    left = random_formula(rng, budget // 2)
    right = random_formula(rng, budget // 2)
    return f"{left}{rng.choice(_BINARY)}{right}"


def time_parse(text: str, repeats: int = 3) -> tuple[float, float, str]:
    """Best wall and CPU milliseconds over `repeats` cold parses, and the outcome."""
    best_wall = best_cpu = float("inf")
    outcome = ""
    for _ in range(repeats):
        clear_cache()
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            shown = str(parse(text))
            outcome = f"ok: {shown}" if len(shown) <= 40 else f"ok ({len(shown)} characters)"
        except ExpressionError as error:
            outcome = f"refused at {error.position}: {error.message}"
        best_wall = min(best_wall, (time.perf_counter() - wall) * 1000)
        best_cpu = min(best_cpu, (time.thread_time() - cpu) * 1000)
    return best_wall, best_cpu, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--random", type=int, default=2000, help="number of random formulas")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(f"{'input':30} {'len':>4} {'wall ms':>8} {'cpu ms':>7}  outcome")
    worst_wall = worst_cpu = 0.0
    for label, text in hostile_inputs().items():
        wall, cpu, outcome = time_parse(text)
        worst_wall, worst_cpu = max(worst_wall, wall), max(worst_cpu, cpu)
        print(f"{label:30} {len(text):4} {wall:8.2f} {cpu:7.2f}  {outcome[:70]}")
    print(f"\nworst hostile input: {worst_wall:.2f} ms wall, {worst_cpu:.2f} ms CPU "
          "(target < 50 ms)")

    rng = random.Random(args.seed)
    results = []
    for _ in range(args.random):
        text = random_formula(rng, rng.randint(1, 60))[:MAX_LENGTH]
        results.append((*time_parse(text, repeats=1), text))
    accepted = sum(outcome.startswith("ok") for _, _, outcome, _ in results)
    slowest = sorted(results, key=lambda r: r[1], reverse=True)[:5]
    retimed = [(*time_parse(text), text) for *_, text in slowest]  # separate noise from cost
    cpu_times = sorted(cpu for _, cpu, _, _ in results)
    print(f"\nrandom formulas: {len(results)} ({accepted} accepted), CPU median "
          f"{cpu_times[len(cpu_times) // 2]:.2f} ms, max {cpu_times[-1]:.2f} ms; "
          "slowest re-timed (best of 3):")
    for wall, cpu, outcome, text in retimed:
        print(f"  {wall:7.2f} ms wall {cpu:7.2f} ms CPU  len {len(text):3}  {outcome[:50]}")


if __name__ == "__main__":
    main()
