"""derivcore: the engine behind the derivatives dashboard. Pure Python; never imports streamlit.

The names below are the contract that outside checks use (see the design notes, §3).
"""

from derivcore.answers import AnswerCheck, check_answer
from derivcore.expressions import ExpressionError, parse
from derivcore.finite_differences import finite_difference
from derivcore.graph import ComputationGraph, computation_graph
from derivcore.numeric import DTYPES
from derivcore.schemes import SCHEMES
from derivcore.steps import Step, derivative_steps
from derivcore.sweep import ErrorSweep, default_eps_grid, error_sweep
from derivcore.symbolic import derivative

__all__ = [
    "DTYPES",
    "SCHEMES",
    "AnswerCheck",
    "ComputationGraph",
    "ErrorSweep",
    "ExpressionError",
    "Step",
    "check_answer",
    "computation_graph",
    "default_eps_grid",
    "derivative",
    "derivative_steps",
    "error_sweep",
    "finite_difference",
    "parse",
]
