"""Finding the SymPy symbols that stand for variable names."""

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


def other_symbols(expr: sympy.Expr, var: str) -> tuple[sympy.Symbol, ...]:
    """J's symbols other than `var`, sorted by name: the order of a compiled J's extra arguments."""
    return tuple(sorted((s for s in expr.free_symbols if s.name != var), key=lambda s: s.name))


def other_names(expr: sympy.Expr, var: str) -> tuple[str, ...]:
    """The names of J's variables other than `var`, sorted: the order of extra arguments."""
    return tuple(s.name for s in other_symbols(expr, var))
