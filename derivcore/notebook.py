"""The current view as a Jupyter notebook in the course lab's style ("take it to Jupyter").

The lab is a notebook: the nudge k = (J(w+ε) − J(w))/ε in plain Python, then SymPy's `diff` and
`subs`. The notebook written here does the same for the student's J, point and ε, then sweeps ε
with a short NumPy loop and a log-log plot, and (from the chain-rule page) lists the computation
graph's numbers. It only contains code printed from the parsed SymPy tree, never the text the
student typed.

The nudge uses the very arithmetic the app uses, so it prints the same k to the last bit: the
formula printed as the app's float64 code (w/3, not (1/3)·w; 1/(w**2), not w**(-2)), with
Python's own `math` functions, which the app's float64 evaluation calls too.
"""

from __future__ import annotations

import ast

import nbformat
import sympy
from sympy.printing.str import StrPrinter

from derivcore.catalogue import MATH_OF_NUMPY_NAME
from derivcore.graph import ComputationGraph
from derivcore.number_format import number_text
from derivcore.numeric import DtypePrinter
from derivcore.schemes import scheme_named

# The real-arithmetic schemes: the notebook's NumPy loop has no complex step.
NOTEBOOK_SCHEMES = ("forward", "backward", "central", "five_point")

# The app's float64 code uses NumPy's names backed by Python's math module (numeric.py): the same
# functions under the names the printed code uses.
_MATH_NAMES = {name: function.__name__ for name, function in MATH_OF_NUMPY_NAME.items()}
_BUILTINS = {"abs", "min", "max", "float"}

class _SympySource(StrPrinter):
    """SymPy source for an expression: rationals as Rational(p, q), so 1/3 stays exact."""

    def _print_Rational(self, expr):
        return f"Rational({expr.p}, {expr.q})"

    def _print_Half(self, expr):
        return "Rational(1, 2)"



def _as_expr(value) -> sympy.Expr:
    """A point or value as a SymPy number (the app passes SymPy numbers, tests plain ones)."""
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)

def _names(code: str) -> set[str]:
    """The names a piece of our own generated code refers to."""
    return {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}


def _float_source(expr: sympy.Expr) -> str:
    return DtypePrinter("float64", python_pow=False).doprint(expr)


class _Qualified(ast.NodeTransformer):
    """Function names as module attributes (math.exp, numpy.maximum), so the nudge's float code
    does not shadow SymPy's sin, exp, ... in the notebook's namespace."""

    def __init__(self, variables: set[str]):
        self.variables = variables
        self.modules: set[str] = set()

    def visit_Name(self, node: ast.Name):
        if node.id in self.variables or node.id in _BUILTINS:
            return node
        if node.id in _MATH_NAMES:
            module, name = "math", _MATH_NAMES[node.id]
        elif node.id == "reduce":
            module, name = "functools", "reduce"
        else:
            module, name = "numpy", node.id
        self.modules.add(module)
        return ast.copy_location(
            ast.Attribute(value=ast.Name(id=module, ctx=ast.Load()), attr=name, ctx=node.ctx), node
        )


def _qualified(code: str, variables: set[str]) -> tuple[str, list[str]]:
    """The float code with qualified function names, and the modules to import."""
    transformer = _Qualified(variables)
    tree = transformer.visit(ast.parse(code, mode="eval"))
    return ast.unparse(tree), sorted(transformer.modules)


def _sympy_imports(expr: sympy.Expr, point_source: str) -> str:
    names = {"symbols", "diff"} | (_names(_SympySource().doprint(expr)) | _names(point_source))
    names -= {s.name for s in expr.free_symbols}
    return f"from sympy import {', '.join(sorted(names))}"


def _number(value: float) -> str:
    return repr(float(value))


def lab_notebook(
    expr: sympy.Expr,
    var: str,
    point: sympy.Expr,
    eps: float,
    values: dict | None = None,
    page: str = "overview",
    schemes: tuple[str, ...] = ("forward",),
    graph: ComputationGraph | None = None,
) -> str:
    """The notebook as .ipynb JSON text (nbformat 4) for J at `point` with step `eps`.

    `values` gives J's other variables; `schemes` (of `NOTEBOOK_SCHEMES`) are swept in the
    error cell; `graph` adds a table of the computation graph's values and gradients.
    """
    values = dict(values or {})
    variables = [var, *sorted(values)]
    x = float(point)
    float_code = _float_source(expr)
    point_source = _SympySource().doprint(_as_expr(point))
    float_code, modules = _qualified(float_code, set(variables))
    # The other variables' values as defaults: later cells make their names SymPy symbols.
    parameters = "".join(f", {name}={_number(float(values[name]))}" for name in sorted(values))
    nudge = (
        "".join(f"import {module}\n" for module in modules)
        + ("\n" if modules else "")
        + f"def J_of({var}{parameters}):\n"
        f"    return float({float_code})\n\n"
        f"w0 = {_number(x)}\n"
        f"epsilon = {_number(eps)}\n"
        "J = J_of(w0)\n"
        "J_epsilon = J_of(w0 + epsilon)\n"
        "k = (J_epsilon - J)/epsilon # difference divided by epsilon\n"
        'print(f"J = {J!r}, J_epsilon = {J_epsilon!r}, dJ_dw == k = {k!r}")'
    )
    # Real symbols, as the app's parser makes them: |w|′ is then sign(w), not a formula in re(w).
    symbols_line = (
        f"{', '.join(variables)} = symbols('{', '.join(variables)}', real=True)"
        if len(variables) > 1
        else f"{var} = symbols('{var}', real=True)"
    )
    substitutions = ", ".join(
        [f"({var}, {point_source})"]
        + [
            f"({name}, {_SympySource().doprint(_as_expr(values[name]))})"
            for name in sorted(values)
        ]
    )
    chosen = [s for s in schemes if s in NOTEBOOK_SCHEMES] or ["forward"]
    quotients = "".join(
        f"    '{s}': lambda eps: {scheme_named(s).python('J_of', 'w0', 'eps')},\n"
        for s in chosen
    )
    sweep = (
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n\n"
        "exact = float(dJ_dw_at)\n"
        "quotients = {\n"
        f"{quotients}"
        "}\n"
        "epsilons = np.logspace(-16, 0, 161)\n"
        "errors = {name: [] for name in quotients}\n"
        "for eps in epsilons:\n"
        "    for name, quotient in quotients.items():\n"
        "        try:\n"
        "            errors[name].append(abs(quotient(float(eps)) - exact))\n"
        "        except (ValueError, ZeroDivisionError, OverflowError):  # outside J's domain\n"
        "            errors[name].append(float('nan'))\n\n"
        "for name, errs in errors.items():\n"
        "    plt.loglog(epsilons, errs, '.-', label=name)\n"
        "plt.axvline(epsilon, color='grey', linestyle=':', label=f'your ε = {epsilon}')\n"
        "plt.xlabel('step ε')\n"
        "plt.ylabel(\"|k - J'(w0)|\")\n"
        "plt.legend()\n"
        "plt.show()"
    )
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# The derivative of $J({', '.join(variables)}) = {sympy.latex(expr)}$ at "
            f"${var} = {sympy.latex(point)}$\n\n"
            f"Written by the derivatives dashboard from its {page} page: the same function, "
            f"point and ε = {eps:g}, in the style of the course lab. Run the cells from the "
            "top; change `epsilon` and run again."
        ),
        nbformat.v4.new_code_cell(_sympy_imports(expr, point_source + " " + substitutions)),
        nbformat.v4.new_markdown_cell(
            "## The nudge\n\nIncrease the input by a small ε and see how much J changes: "
            "k = (J(w + ε) − J(w))/ε is (about) the derivative."
        ),
        nbformat.v4.new_code_cell(nudge),
        nbformat.v4.new_markdown_cell(
            "## The symbolic derivative\n\nSymPy's `diff`, then `subs` to evaluate it at the "
            "point."
        ),
        nbformat.v4.new_code_cell(f"{symbols_line}\nJ = {_SympySource().doprint(expr)}\nJ"),
        nbformat.v4.new_code_cell(f"dJ_dw = diff(J, {var})\ndJ_dw"),
        nbformat.v4.new_code_cell(
            f"dJ_dw_at = dJ_dw.subs([{substitutions}])  # the derivative at the point\n"
            "print(f\"J'(w0) = {dJ_dw_at} = {float(dJ_dw_at)!r}\")\n"
            'print(f"k - J\'(w0) = {k - float(dJ_dw_at):.3g}")'
        ),
        nbformat.v4.new_markdown_cell(
            "## Shrinking ε: the V\n\nThe error of k for many ε. Usually it falls as ε "
            "shrinks (truncation error), then grows again (rounding error: J(w + ε) and J(w) "
            "agree in more and more digits, and their difference keeps fewer); some functions "
            "at some points show only one of the two (w³ at 0 has no rounding error to grow). "
            "The plot shows what yours does."
        ),
        nbformat.v4.new_code_cell(sweep),
    ]
    if graph is not None:
        cells.append(nbformat.v4.new_markdown_cell(_graph_table(graph)))
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    return nbformat.writes(notebook)


def _graph_table(graph: ComputationGraph) -> str:
    """The computation graph's numbers as a Markdown table (forward value, ∂J/∂node)."""
    output = graph.nodes[graph.output].name
    rows = [
        "## The computation graph\n",
        "Forward pass: each node's value; backward pass: ∂J/∂node, from ∂J/∂J = 1 down "
        "(back-propagation).\n",
        f"| node | operation | value | ∂{output}/∂node |",
        "| --- | --- | --- | --- |",
    ]
    for node in graph.nodes:
        operation = "input" if node.is_input else f"${node.latex}$"
        rows.append(
            f"| {node.name} | {operation} | {number_text(node.value)} | "
            f"{number_text(node.grad)} |"
        )
    return "\n".join(rows)



