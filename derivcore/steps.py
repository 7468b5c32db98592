"""Step-by-step differentiation: the derivation a student writes, one rule at a time.

`derivative_steps(expr, var)` walks the expression from the outside in and returns one `Step` per
rule, in the order a student writes them: the outermost rule first, then the derivatives it leaves
to find (pre-order). Each step says what it applies to, the equation written at that step (with
the derivatives still to be found shown as d/dw(...)), and the whole derivation so far.

The parser hands us plain SymPy trees, so the functions of machine learning are recognised by
shape: σ(u) = 1/(1 + e^(−u)) with σ′ = σ(1 − σ), softplus(u) = log(1 + e^u) with softplus′ = σ,
relu(u) = max(0, u) with relu′ = H(u) (Heaviside; undefined at 0), √u = u^(1/2) with
(√u)′ = 1/(2√u). A product with a denominator, u·v^(−n), is done by the quotient rule
(u/v)′ = (u′v − uv′)/v²; a constant over something is a power of it, done by the chain rule.
"""

import dataclasses
import pickle
from dataclasses import dataclass

import sympy
from sympy.core.parameters import distribute
from sympy.printing.latex import LatexPrinter

from derivcore.catalogue import (
    exp_in_one_plus,
    relu_argument,
    relu_formula,
    sigmoid_argument,
    sigmoid_formula,
    softplus_argument,
    softplus_formula,
)
from derivcore.symbols import symbol_for

# σ is kept as a named function while deriving, so the steps read σ(u)(1 − σ(u)) rather than
# e^(−u)/(1 + e^(−u))²; `Step.derivative` has it replaced by its definition.
_SIGMA = sympy.Function("sigma")

_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc)
_INVERSE_TRIG = (sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc)
_HYPERBOLIC = (
    sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch,
    sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth, sympy.asech, sympy.acsch,
)


@dataclass(frozen=True)
class Step:
    """One rule applied to one sub-expression.

    `expression` is the sub-expression (for the outer-function step of a chain rule: the outer
    function of a placeholder u), `derivative` its complete derivative, `latex` the equation the
    student writes at this step (derivatives still to find appear as d/dw(...)). `so_far` is
    the derivative of the whole function, `whole` (an unevaluated Derivative), as known after this
    step, in display form (pending derivatives unevaluated, the sigmoid as σ); `so_far_latex`
    prints "whole = so_far". `depth` is the nesting level (0 for the outermost rule).
    """

    rule: str
    expression: sympy.Expr
    derivative: sympy.Expr
    expression_latex: str
    latex: str
    explanation: str
    depth: int
    whole: sympy.Derivative
    so_far: sympy.Expr

    @property
    def so_far_latex(self) -> str:
        """The derivation so far as LaTeX, printed on demand (for a long sum it is long)."""
        return f"{_latex(self.whole)} = {_latex(self.so_far)}"

    def __reduce__(self):
        # Unpickling rebuilds SymPy trees with automatic evaluation, which would turn 2·(u + v)
        # into 2u + 2v (the app gets steps from a worker process): rebuild as they were built.
        fields = tuple(getattr(self, f.name) for f in dataclasses.fields(self))
        return (_unpickle_step, (pickle.dumps(fields, pickle.HIGHEST_PROTOCOL),))


def _unpickle_step(data: bytes) -> Step:
    with distribute(False):
        return Step(*pickle.loads(data))


@dataclass(frozen=True)
class Composition:
    """f(u): `rule` names the outer function f, `inner` is u, and `outer_derivative(u)` is f′(u)."""

    rule: str
    inner: sympy.Expr
    outer_function: sympy.Lambda
    outer_derivative: sympy.Lambda


def derivative_steps(expr: sympy.Expr, var: str = "w") -> list[Step]:
    """The derivation of d expr / d var as a list of steps, outermost rule first.

    `steps[0].derivative` is the whole derivative (equal to sympy.diff(expr, var));
    `steps[-1].so_far_latex` is the finished derivation.
    """
    x = symbol_for(expr, var)
    # Keep 2·(u + v) as written instead of 2u + 2v, as a student would (thread-local switch).
    try:
        with distribute(False):
            return _Derivation(expr, x).steps
    except RecursionError:
        # With distribution off, SymPy's |u| can recurse without end on some arguments (seen on
        # |1/6 − σ(w + 1/2)^(3/2)|): then write the derivation with SymPy's usual distribution.
        return _Derivation(expr, x).steps


def composition(expr: sympy.Expr, x: sympy.Symbol) -> Composition | None:
    """Split expr = f(u) into outer function and inner expression, or None if it is not one.

    Sums, products, constants and u^v with both parts varying are not compositions.
    """
    split = _split(expr, x)
    if split is None:
        return None
    return dataclasses.replace(
        split,
        outer_function=_expand_sigma(split.outer_function),
        outer_derivative=_expand_sigma(split.outer_derivative),
    )


def _split(expr: sympy.Expr, x: sympy.Symbol) -> Composition | None:
    """`composition`, with the sigmoid kept as the named function σ for display."""
    if not expr.has(x):
        return None
    if isinstance(expr, sympy.Pow):
        return _power_composition(expr, x)
    if (exponent := softplus_argument(expr)) is not None:
        return _composition("softplus", exponent, softplus_formula, _SIGMA)
    if isinstance(expr, sympy.log) and len(expr.args) == 1:
        return _composition("log", expr.args[0], sympy.log, lambda u: 1 / u)
    if (inner := relu_argument(expr)) is not None:
        return _composition("relu", inner, relu_formula, sympy.Heaviside)
    if isinstance(expr, sympy.Abs):
        return _composition("abs", expr.args[0], sympy.Abs, sympy.sign)
    if isinstance(expr, sympy.Function) and len(expr.args) == 1:
        return _composition(_function_rule(expr.func), expr.args[0], expr.func, None)
    return None


def _function_rule(func) -> str:
    if func is sympy.exp:
        return "exp"
    if func in _TRIG:
        return "trig"
    if func in _INVERSE_TRIG:
        return "inverse_trig"
    if func in _HYPERBOLIC:
        return "hyperbolic"
    return "function"


def _composition(rule, inner, outer, derivative) -> Composition:
    u = sympy.Dummy("u", real=True)
    outer_u = outer(u)
    outer_derivative = derivative(u) if derivative is not None else sympy.diff(outer_u, u)
    return Composition(rule, inner, sympy.Lambda(u, outer_u), sympy.Lambda(u, outer_derivative))


def _negated(expr: sympy.Expr) -> sympy.Expr:
    """−expr with the sign multiplied in: σ(2w + 1), not σ(−(−2w − 1))."""
    with distribute(True):
        return -expr


def _is_sigmoid(expr: sympy.Expr) -> bool:
    return sigmoid_argument(expr) is not None


def _power_composition(expr: sympy.Pow, x: sympy.Symbol) -> Composition | None:
    base, exponent = expr.args
    if exponent.has(x) and base.has(x):
        return None
    if exponent.has(x):
        return _composition("exp", exponent, lambda u: base**u, lambda u: base**u * sympy.log(base))
    if exponent == -1:
        a = exp_in_one_plus(base)
        if a is not None:
            return _composition(
                "sigmoid", _negated(a), _SIGMA, lambda u: _SIGMA(u) * (1 - _SIGMA(u))
            )
    if exponent == sympy.Rational(1, 2):
        return _composition("sqrt", base, sympy.sqrt, lambda u: 1 / (2 * sympy.sqrt(u)))
    return _composition(
        "power", base, lambda u: u**exponent, lambda u: exponent * u ** (exponent - 1)
    )


def _expand_sigma(expr: sympy.Expr) -> sympy.Expr:
    return expr.replace(_SIGMA, sigmoid_formula)


def _display(expr: sympy.Expr) -> sympy.Expr:
    """Show 1/(1 + e^(−u)) as σ(u)."""
    return expr.replace(_is_sigmoid, lambda e: _SIGMA(_negated(exp_in_one_plus(e.base))))


class _StepPrinter(LatexPrinter):
    """LaTeX with d/dw(...) for the derivatives still to be found and σ for the sigmoid."""

    def _print_Derivative(self, expr):
        ((variable, _),) = expr.variable_count
        return rf"\frac{{d}}{{d{self._print(variable)}}}\left({self._print(expr.expr)}\right)"


def _latex(expr: sympy.Expr) -> str:
    # Showing σ rebuilds the tree: keep 2·(u + v) undistributed there too.
    with distribute(False):
        return _StepPrinter().doprint(_display(expr))


_EXPLANATIONS = {
    "constant": "A constant does not change when {x} changes, so its derivative is 0.",
    "variable": "The derivative of {x} with respect to itself is 1.",
    "sum": "Sum rule: differentiate each term on its own and add the results.",
    "constant_multiple": "Constant multiple rule: the constant factor stays; differentiate the "
    "rest.",
    "product": "Product rule: differentiate one factor at a time, keep the others as they are, "
    "and add the results.",
    "quotient": "Quotient rule: (u/v)′ = (u′·v − u·v′)/v², with u the numerator and v the "
    "denominator.",
    "chain": "Chain rule: the derivative of the outer function, taken at the inner function, "
    "times the derivative of the inner function.",
    "power": "Power rule: bring the exponent down as a factor and lower the exponent by one.",
    "sqrt": "Square root: √u = u^(1/2), so by the power rule its derivative is 1/(2√u).",
    "exp": "The exponential is its own derivative; for a^u the derivative is a^u·ln a.",
    "exp_general": "Write u^v = e^(v·ln u): its derivative is u^v times the derivative of "
    "v·ln u.",
    "log": "The derivative of ln u is 1/u.",
    "trig": "Derivative of a trigonometric function (sin′ = cos, cos′ = −sin, tan′ = 1 + tan²).",
    "inverse_trig": "Derivative of an inverse trigonometric function (e.g. arctan′ u = "
    "1/(1 + u²)).",
    "hyperbolic": "Derivative of a hyperbolic function (sinh′ = cosh, cosh′ = sinh, "
    "tanh′ = 1 − tanh²).",
    "abs": "The derivative of |u| is sign(u): −1 for u < 0, 1 for u > 0, undefined at 0.",
    "sigmoid": "The sigmoid σ(u) = 1/(1 + e^(−u)) has derivative σ(u)·(1 − σ(u)).",
    "softplus": "softplus(u) = ln(1 + e^u) has derivative e^u/(1 + e^u) = σ(u), the sigmoid.",
    "relu": "ReLU(u) = max(0, u) has derivative 0 for u < 0 and 1 for u > 0 (none at 0).",
    "function": "SymPy's derivative of this function.",
}


class _Derivation:
    """Builds the steps in pre-order while keeping the derivation so far up to date."""

    def __init__(self, expr: sympy.Expr, x: sympy.Symbol):
        self.x = x
        self.steps: list[Step] = []
        self.whole = sympy.Derivative(expr, x)
        self.so_far: sympy.Expr = self.whole
        self._derive(expr, 0)

    def _pending(self, expr):
        return sympy.Derivative(expr, self.x)

    def _record(self, rule, expr, written, depth, explanation=None) -> int:
        """Reserve this step's place (pre-order) and write it; the derivative is filled later."""
        self.so_far = self.so_far.xreplace({self._pending(expr): written})
        text = explanation or _EXPLANATIONS[rule].format(x=self.x)
        self.steps.append(
            Step(
                rule=rule,
                expression=expr,
                derivative=sympy.S.Zero,
                expression_latex=_latex(expr),
                latex=f"{_latex(self._pending(expr))} = {_latex(written)}",
                whole=self.whole,
                so_far=self.so_far,
                explanation=text,
                depth=depth,
            )
        )
        return len(self.steps) - 1

    def _finish(self, index: int, written, parts) -> sympy.Expr:
        """Fill in the step's complete derivative from its parts' derivatives."""
        result = written.xreplace({self._pending(p): d for p, d in parts.items()})
        step = self.steps[index]
        self.steps[index] = dataclasses.replace(step, derivative=_expand_sigma(result))
        return result

    def _derive(self, expr: sympy.Expr, depth: int) -> sympy.Expr:
        """Record the steps for d expr/dx and return the derivative (σ kept as a name)."""
        x = self.x
        if not expr.has(x):
            return self._leaf("constant", expr, sympy.S.Zero, depth)
        if expr == x:
            return self._leaf("variable", expr, sympy.S.One, depth)
        if isinstance(expr, sympy.Add):
            terms = expr.as_ordered_terms()
            written = sympy.Add(*(self._pending(t) for t in terms))
            return self._combine("sum", expr, written, terms, depth)
        if isinstance(expr, sympy.Mul):
            return self._product(expr, depth)
        split = _split(expr, x)
        if split is not None:
            return self._chain(expr, split, depth)
        if isinstance(expr, sympy.Pow):
            # u^v with both varying: u^v = e^(v ln u).
            base, exponent = expr.args
            exponent_log = exponent * sympy.log(base)
            written = expr * self._pending(exponent_log)
            index = self._record("exp", expr, written, depth, _EXPLANATIONS["exp_general"])
            inner = self._derive(exponent_log, depth + 1)
            return self._finish(index, written, {exponent_log: inner})
        return self._leaf("function", expr, sympy.diff(expr, x), depth)

    def _leaf(self, rule, expr, result, depth, explanation=None) -> sympy.Expr:
        index = self._record(rule, expr, result, depth, explanation)
        return self._finish(index, result, {})

    def _combine(self, rule, expr, written, parts, depth) -> sympy.Expr:
        index = self._record(rule, expr, written, depth)
        derivatives = {p: self._derive(p, depth + 1) for p in parts}
        return self._finish(index, written, derivatives)

    def _product(self, expr: sympy.Mul, depth: int) -> sympy.Expr:
        constant, varying = expr.as_independent(self.x, as_Add=False)
        if constant != 1:
            written = constant * self._pending(varying)
            return self._combine("constant_multiple", expr, written, [varying], depth)
        numerator, denominator = [], []
        for factor in expr.args:
            # σ(u) = 1/(1 + e^(−u)) is a factor like any other, not a denominator.
            is_reciprocal = (
                isinstance(factor, sympy.Pow)
                and factor.exp.is_number
                and factor.exp.is_negative
                and not _is_sigmoid(factor)
            )
            (denominator if is_reciprocal else numerator).append(factor)
        if numerator and denominator:
            u = sympy.Mul(*numerator)
            v = sympy.Mul(*(f.base ** (-f.exp) for f in denominator))
            written = (self._pending(u) * v - u * self._pending(v)) / v**2
            return self._combine("quotient", expr, written, [u, v], depth)
        factors = expr.as_ordered_factors()
        written = sympy.Add(
            *(
                self._pending(f) * sympy.Mul(*(g for g in factors if g is not f))
                for f in factors
            )
        )
        return self._combine("product", expr, written, factors, depth)

    def _chain(self, expr, split: Composition, depth: int) -> sympy.Expr:
        inner = split.inner
        explanation = _EXPLANATIONS[split.rule]
        if split.rule == "power":
            explanation = f"{explanation[:-1]}: here the exponent is {expr.exp}."
        if inner == self.x:
            return self._leaf(split.rule, expr, split.outer_derivative(inner), depth, explanation)
        written = split.outer_derivative(inner) * self._pending(inner)
        index = self._record("chain", expr, written, depth)
        # The outer function's own rule, stated for a placeholder u = inner.
        u = _placeholder(expr)
        outer, outer_derivative = split.outer_function(u), split.outer_derivative(u)
        self.steps.append(
            Step(
                rule=split.rule,
                expression=outer,
                derivative=_expand_sigma(outer_derivative),
                expression_latex=_latex(outer),
                latex=rf"\frac{{d}}{{d{_latex(u)}}}\left({_latex(outer)}\right) = "
                rf"{_latex(outer_derivative)}, \quad {_latex(u)} = {_latex(inner)}",
                whole=self.whole,
                so_far=self.so_far,
                explanation=explanation,
                depth=depth + 1,
            )
        )
        inner_derivative = self._derive(inner, depth + 1)
        return self._finish(index, written, {inner: inner_derivative})


def _placeholder(expr: sympy.Expr) -> sympy.Symbol:
    """A real symbol for the inner function, named u unless the expression already uses u."""
    names = {s.name for s in expr.free_symbols}
    name = next(n for n in ("u", "v", "z", "t", "s") if n not in names)
    return sympy.Symbol(name, real=True)
