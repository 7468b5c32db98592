"""Step-by-step differentiation: rules in the order a student writes them, and the right result."""

import pickle

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derivcore.steps import Step, composition, derivative_steps

w = sympy.Symbol("w", real=True)
x = sympy.Symbol("x", real=True)
b = sympy.Symbol("b", real=True)
y = sympy.Symbol("y", real=True)


def sigmoid(u):
    return 1 / (1 + sympy.exp(-u))


def softplus(u):
    return sympy.log(1 + sympy.exp(u))


def relu(u):
    return sympy.Max(0, u)


def rules(expr, var="w"):
    return [step.rule for step in derivative_steps(expr, var)]


def equal(a, b_):
    """a − b simplifies to 0; cheap rewritings first (simplify alone can take minutes)."""
    difference = a - b_
    return any(
        f(difference) == 0 for f in (lambda d: d, sympy.expand_mul, sympy.cancel, sympy.simplify)
    )


# Rules in order, outermost first: each list written by hand from the way the derivation goes.
def test_power_rule_is_one_step():
    assert rules(w**2) == ["power"]
    assert rules(1 / w) == ["power"]
    assert rules(1 / w**2) == ["power"]
    assert rules(w ** sympy.Rational(3, 2)) == ["power"]


def test_sqrt_is_its_own_rule():
    assert rules(sympy.sqrt(w)) == ["sqrt"]
    assert rules(sympy.sqrt(w**2 + 1)) == ["chain", "sqrt", "sum", "power", "constant"]


def test_constants_and_the_variable():
    assert rules(sympy.Integer(7)) == ["constant"]
    assert rules(x * b) == ["constant"]
    assert rules(w) == ["variable"]


def test_sums_and_constant_multiples():
    assert rules(3 * w**2) == ["constant_multiple", "power"]
    assert rules(w**2 + 3 * w + 1) == ["sum", "power", "constant_multiple", "variable", "constant"]
    assert rules(5 / w) == ["constant_multiple", "power"]


def test_chain_rule_outer_rule_then_inner_derivative():
    assert rules(sympy.sin(w**2)) == ["chain", "trig", "power"]
    assert rules(sympy.exp(-(w**2))) == ["chain", "exp", "constant_multiple", "power"]
    assert rules((3 * w + 1) ** 5) == [
        "chain",
        "power",
        "sum",
        "constant_multiple",
        "variable",
        "constant",
    ]
    assert rules(sympy.log(w**2 + 1)) == ["chain", "log", "sum", "power", "constant"]


def test_product_and_quotient():
    assert rules(w * sympy.exp(w)) == ["product", "variable", "exp"]
    assert rules(w / (w + 1)) == ["quotient", "variable", "sum", "variable", "constant"]
    assert rules(sympy.sin(w) / w) == ["quotient", "trig", "variable"]
    # A constant over something is a power of it, done by the chain rule.
    assert rules(1 / (w**2 + 1)) == ["chain", "power", "sum", "power", "constant"]


def test_functions_of_machine_learning():
    assert rules(sigmoid(w)) == ["sigmoid"]
    assert rules(sigmoid(2 * w + 1))[:2] == ["chain", "sigmoid"]
    assert rules(softplus(w)) == ["softplus"]
    assert rules(relu(w)) == ["relu"]
    assert rules(relu(3 * w - 1))[:2] == ["chain", "relu"]
    assert rules(sympy.tanh(w)) == ["hyperbolic"]
    assert rules(sympy.atan(w)) == ["inverse_trig"]
    assert rules(sympy.Abs(w)) == ["abs"]


def test_a_sigmoid_factor_is_a_factor_not_a_denominator():
    assert rules(w * sigmoid(w)) == ["product", "variable", "sigmoid"]
    assert rules(sigmoid(w) / w) == ["quotient", "sigmoid", "variable"]
    (product, *_) = derivative_steps(w * sigmoid(2 * w + 1))
    assert r"\sigma{\left(2 w + 1 \right)}" in product.latex


def test_steps_survive_pickling():
    # The app runs derivative_steps in a worker process and caches the result.
    steps = derivative_steps(w * sigmoid(2 * w + 1) + sympy.sin(w**2))
    again = pickle.loads(pickle.dumps(steps))
    assert again == steps
    assert again[-1].so_far_latex == steps[-1].so_far_latex


def test_squared_error_by_w_and_by_b():
    loss = (w * x + b - y) ** 2
    assert rules(loss, "w") == [
        "chain",
        "power",
        "sum",
        "constant",
        "constant_multiple",
        "variable",
        "constant",
    ]
    assert rules(loss, "b") == ["chain", "power", "sum", "variable", "constant", "constant"]
    assert derivative_steps(loss, "w")[0].derivative - 2 * x * (w * x + b - y) == 0 or equal(
        derivative_steps(loss, "w")[0].derivative, 2 * x * (w * x + b - y)
    )
    assert equal(derivative_steps(loss, "b")[0].derivative, 2 * (w * x + b - y))


def test_log_loss_by_a():
    a = sympy.Symbol("a", real=True)
    loss = -y * sympy.log(a) - (1 - y) * sympy.log(1 - a)
    steps = derivative_steps(loss, "a")
    assert steps[0].rule == "sum"
    assert {"log", "chain", "constant_multiple"} <= {s.rule for s in steps}
    assert equal(steps[0].derivative, -y / a + (1 - y) / (1 - a))


def test_general_power_u_to_the_v():
    steps = derivative_steps(w**w)
    assert [s.rule for s in steps] == ["exp", "product", "variable", "log"]
    assert equal(steps[0].derivative, w**w * (sympy.log(w) + 1))


def test_depths_nest():
    steps = derivative_steps(sympy.sin(w**2))
    assert [s.depth for s in steps] == [0, 1, 1]


def test_step_latex_is_the_equation_written_at_that_step():
    (step,) = derivative_steps(w**2)
    assert step.latex == r"\frac{d}{dw}\left(w^{2}\right) = 2 w"
    assert step.expression_latex == "w^{2}"
    chain, trig, power = derivative_steps(sympy.sin(w**2))
    # The chain step leaves d/dw(w^2) to be found; the last step has the finished derivative.
    assert r"\frac{d}{dw}\left(w^{2}\right)" in chain.latex
    assert chain.so_far_latex.endswith(r"\cos{\left(w^{2} \right)} \frac{d}{dw}\left(w^{2}\right)")
    assert power.so_far_latex.endswith(r"= 2 w \cos{\left(w^{2} \right)}")
    assert r"u = w^{2}" in trig.latex


def test_sigmoid_shown_as_sigma():
    chain, rule, *_ = derivative_steps(sigmoid(2 * w + 1))
    assert r"\sigma" in chain.expression_latex
    assert r"\sigma{\left(u \right)}" in rule.latex
    # The derivative itself is plain SymPy: e^(-u)/(1 + e^(-u))^2 times 2.
    assert equal(chain.derivative, 2 * sympy.exp(-2 * w - 1) / (1 + sympy.exp(-2 * w - 1)) ** 2)


def test_every_step_has_an_explanation_and_frozen():
    for step in derivative_steps(w * sympy.sin(w**2) / (w + 1)):
        assert isinstance(step, Step)
        assert step.explanation.endswith(".")
        assert step.rule == step.rule.lower()


def test_power_explanation_names_the_exponent():
    (step,) = derivative_steps(w**5)
    assert "5" in step.explanation


def test_symbols_without_assumptions_are_found_by_name():
    plain = sympy.Symbol("w")
    assert derivative_steps(plain**3, "w")[0].derivative == 3 * plain**2


def test_composition_splits_outer_and_inner():
    split = composition(sigmoid(2 * w), w)
    assert split.rule == "sigmoid"
    assert split.inner == 2 * w
    assert composition(w + 1, w) is None
    assert composition(sympy.Integer(3), w) is None
    power = composition((w + 1) ** 3, w)
    assert power.rule == "power"
    assert power.outer_derivative(w + 1) == 3 * (w + 1) ** 2


# Property: the steps arrive at SymPy's derivative on generated expressions.
_leaves = st.sampled_from([w, w, w, x, sympy.Integer(2), sympy.Integer(-3), sympy.Rational(1, 2)])
_unary = st.sampled_from(
    [
        sympy.sin,
        sympy.cos,
        sympy.exp,
        sympy.log,
        sympy.sqrt,
        sympy.tanh,
        sympy.atan,
        sympy.Abs,
        sigmoid,
        softplus,
        relu,
        lambda u: 1 / u,
        lambda u: 2**u,
    ]
)
_binary = st.sampled_from(
    [
        lambda p, q: p + q,
        lambda p, q: p - q,
        lambda p, q: p * q,
        lambda p, q: p / q,
        lambda p, q: p**2 * q,
        lambda p, q: p ** sympy.Rational(3, 2) + q,
        lambda p, q: (p + q) ** -2,
    ]
)


def _apply(f, *args):
    """f(*args), or None where SymPy refuses it (max of a complex constant)."""
    try:
        return f(*args)
    except ValueError:
        return None


def _extend(children):
    return st.one_of(
        st.builds(_apply, _unary, children),
        st.builds(_apply, _binary, children, children),
    ).filter(lambda e: e is not None)


# At least one operation at the top, only expressions that vary with w, and no complex or
# infinite constants such as log(-3) = log 3 + iπ or 1/(2 - 2) (real functions of real w only).
_expressions = _extend(st.recursive(_leaves, _extend, max_leaves=6)).filter(
    lambda e: (
        e.has(w)
        and not e.has(sympy.I, sympy.zoo, sympy.oo, sympy.nan)
        # Within what the parser lets a student type (it caps nodes and nesting): SymPy's own
        # assumption system can recurse too deeply on larger generated trees.
        and sympy.count_ops(e) <= 40
    )
)


W_POSITIVE, X_POSITIVE = sympy.Symbol("w", positive=True), sympy.Symbol("x", positive=True)


def _on_positive_symbols(expr):
    """expr with w, x > 0, or None where that makes a max(0, u) of a complex u (SymPy refuses)."""
    try:
        return expr.xreplace({w: W_POSITIVE, x: X_POSITIVE})
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(_expressions)
def test_steps_arrive_at_sympys_derivative(expr):
    # On positive w and x: for real symbols SymPy writes, e.g., d|log w|/dw with re/im parts
    # (log w is complex for w < 0) that simplify cannot bring back; the rules themselves do not
    # depend on the sign.
    expr = _on_positive_symbols(expr)
    assume(expr is not None)
    # |u|′ = sign(u)·u′ and max(0, u)′ = H(u)·u′ hold for real u; sin(w)^(3/2) or log(−3w)
    # are complex numbers for some w > 0.
    assume(all(a.is_real for f in expr.atoms(sympy.Abs, sympy.Max) for a in f.args))
    steps = derivative_steps(expr, "w")
    assert equal(steps[0].derivative, sympy.diff(expr, W_POSITIVE))
    assert steps[0].depth == 0


def test_abs_of_a_power_of_a_sigmoid_does_not_recurse_forever():
    # Found by the property test: SymPy's |u| looped with distribution switched off.
    expr = sympy.Abs(
        sympy.Rational(1, 6)
        - 1 / (sympy.exp(-w - sympy.Rational(1, 2)) + 1) ** sympy.Rational(3, 2)
    )
    steps = derivative_steps(expr, "w")
    assert [s.rule for s in steps[:2]] == ["chain", "abs"]
    assert equal(steps[0].derivative, sympy.diff(expr, w))
