"""Finding the SymPy symbol that stands for a variable name."""

import sympy


def symbol_for(expr: sympy.Expr, name: str) -> sympy.Symbol:
    """The free symbol of `expr` called `name`, whatever its assumptions; else a new real one.

    The parser makes real symbols, but callers may hand us `sympy.Symbol("w")`: matching by name
    keeps `derivative(w**2, "w")` right for both.
    """
    for symbol in expr.free_symbols:
        if symbol.name == name:
            return symbol
    return sympy.Symbol(name, real=True)
