"""The vocabulary of a formula: symbols, numbers, the constants π and e, and the function names.

Symbols are single letters other than e (Euler's number), optionally followed by digits (w1, w_2).
Function names come from the catalogue, with the name each one is built under (ln → log).
"""

import math
import re

import sympy

from derivcore.catalogue import TYPED, canonical_name

SYMBOL = re.compile(r"[a-df-zA-Z](?:_?[0-9]+)?", re.ASCII)
NUMBER = re.compile(r"(?P<int>[0-9]+)\.?(?P<frac>[0-9]*)|\.(?P<frac2>[0-9]+)", re.ASCII)
DECIMAL_EXPONENT = re.compile(r"[eE](?P<exp>[+-]?[0-9]+)", re.ASCII)

CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}

FUNCTION_NAMES = {name: canonical_name(name) for name in TYPED}
"""Every function name a student may type → the name the builder knows it by."""
