"""Generated hostile inputs for the page fuzz test and `bench/fuzz_pages.py`.

A small grammar: nested compositions of every function the parser knows, powers, towers,
huge and tiny constants; and points that stress the numerics (0, ±1e-300, ±1e300, towers typed as
points, the singular points of the functions used).
"""

import random

FUNCTIONS = (
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "exp", "log", "sqrt", "abs", "sigmoid", "softplus", "relu",
)  # fmt: skip
CONSTANTS = ("2", "0.1", "1e300", "1e-300", "pi", "e", "1/7", "3")
POINTS = (
    "0", "1", "-1", "1e-300", "-1e-300", "1e300", "-1e300", "exp(exp(5))", "pi^pi^pi",
    "pi/2", "1/7", "0.1", "-0.5", "1e7", "100000", "13",
)  # fmt: skip


def expression(rng: random.Random, depth: int) -> str:
    """A random formula of w nested about `depth` deep."""
    if depth <= 0:
        return rng.choice(("w", "w", "w", rng.choice(CONSTANTS)))
    kind = rng.randrange(6)
    inner = expression(rng, depth - 1)
    if kind <= 1:
        return f"{rng.choice(FUNCTIONS)}({inner})"
    if kind == 2:  # a tower: exp of exp of ...
        return "exp(" * 3 + inner + ")" * 3
    if kind == 3:
        return f"({inner})^({expression(rng, depth - 2)})"
    if kind == 4:
        return f"{inner} {rng.choice('+-*/')} {expression(rng, depth - 1)}"
    return f"{rng.choice(CONSTANTS)}*{inner}"


def cases(seed: int, count: int, depth: int = 3) -> list[dict[str, str]]:
    """`count` query strings {f, at, eps} from `seed` (the same seed gives the same cases)."""
    rng = random.Random(seed)
    return [
        {
            "f": expression(rng, depth),
            "at": rng.choice(POINTS),
            "eps": rng.choice(("1e-3", "1e-20", "1", "1e-9")),
        }
        for _ in range(count)
    ]
