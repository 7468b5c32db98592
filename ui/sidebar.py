"""The inputs every page shares: J, the variable, the point and ε, all bound to the URL."""

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st
import sympy
from streamlit.errors import StreamlitAPIException

from derivcore.expressions import ExpressionError
from derivcore.inputs import parse_point, parse_step
from derivcore.prepared import PreparedFunction, default_variable, variables_of
from ui.cache import parsed_input, prepared_function
from ui.link_options import unusable_in_link
from ui.messages import show_input_problem, show_problem

DEFAULT_FUNCTION = "w^2"
DEFAULT_POINT = "3"
DEFAULT_EPS = "0.001"
DECADES = [f"1e-{k}" if k else "1" for k in range(21)]


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input: shown with a caret under the column it refers to."""

    label: str
    text: str
    message: str
    position: int | None = None


@dataclass(frozen=True)
class Inputs:
    """What the student asked for. A field is None when its input could not be read."""

    text: str
    var: str
    function: PreparedFunction | None
    point: sympy.Expr | None
    eps: float | None
    values: dict[str, sympy.Expr] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def x(self) -> float | None:
        """The point as the float64 the numerics use."""
        return None if self.point is None else float(self.point)

    @property
    def cache_key(self) -> tuple:
        """Identifies J, the variable and the other variables' values, for caches."""
        return (self.text, self.var, tuple(sorted((k, str(v)) for k, v in self.values.items())))

    @property
    def ready(self) -> bool:
        return self.function is not None and self.point is not None and self.eps is not None


def _example_state(text: str, values: Mapping[str, object], eps, var: str) -> dict[str, str]:
    """The sidebar's widget keys (also its URL parameters) for an example: J's text, the point
    for `var`, the other variables' values, and ε when given."""
    state = {"f": text}
    for name, value in values.items():
        state["at" if name == var else f"value_{name}"] = str(value)
    if eps is not None:
        state["eps"] = repr(float(eps))
    return state


def load_example(text: str, values: Mapping[str, object], eps=None, var: str = "w") -> None:
    """Put an example into the sidebar (a button's on_click: it runs before the rerun reads the
    inputs), and into the URL: a widget first drawn from a value set here (the box of another
    variable) would not write itself there, and a link copied next would lose it."""
    state = _example_state(text, values, eps, var)
    st.session_state.update(state)
    for key, value in state.items():
        # A key already bound to a drawn widget (f, at, ε) is written by that widget.
        with contextlib.suppress(StreamlitAPIException):
            st.query_params[key] = value


def example_link(text: str, values: Mapping[str, object], eps=None, var: str = "w") -> str:
    """A link that opens the overview with this example in the sidebar, in a new session (within
    one session the sidebar's widgets keep their values, so a link is also what can be shared).
    Where J has other variables the link names the one to differentiate by."""
    state = _example_state(text, values, eps, var)
    if len(values) > 1:
        state["var"] = var
    return f"./?{urlencode(state)}"


def _set_eps_from_decade() -> None:
    st.session_state["eps"] = st.session_state["eps_decade"]


def _nearest_decade(eps: float) -> str:
    k = min(20, max(0, round(-math.log10(eps))))
    return DECADES[k]


def _read(label: str, text: str, reader, *args):
    """(value, None) or (None, Problem) for one input."""
    try:
        return parsed_input(reader, text, *args), None
    except ExpressionError as err:
        return None, Problem(label, text, err.message, err.position)


def render_sidebar() -> Inputs:
    """Draw the shared inputs, read them, and keep the result for the page in session state."""
    problems: list[Problem] = []
    with st.sidebar:
        st.header("Your function")
        # The label names J's variables, so it is read before the box is drawn: from the box's
        # state after an edit, from the URL on a session's first run.
        typed = st.session_state.get("f", st.query_params.get("f", DEFAULT_FUNCTION))
        variables, text_problem = _read("Function", typed, variables_of)
        if not text_problem:
            st.session_state["f_label"] = f"J({', '.join(variables) or 'w'}) ="
        # No max_chars: the box would silently drop a longer paste (and cut a longer formula from
        # a link mid-way); the parser's message states the limit instead.
        text = st.text_input(
            st.session_state.get("f_label", "J(w) ="),
            value=DEFAULT_FUNCTION,
            key="f",
            bind="query-params",
            help="For example w^2, 1/w^2, sin(w)/w, sigmoid(w), (w*x + b - y)^2. "
            "Use ^ for powers; 2w means 2·w.",
        )
        if text != typed:
            variables, text_problem = _read("Function", text, variables_of)
        if text_problem:
            problems.append(text_problem)
            variables = ["w"]
        var = default_variable(variables)
        # A link's variable J does not have would be dropped without a word (by the select box,
        # or, for a J of one variable, by having no box): say so, once, on the page.
        var_label = "Differentiate with respect to"
        link_notes = [] if text_problem else unusable_in_link("var", var_label, variables or [var])
        if link_notes and len(variables) <= 1:
            del st.query_params["var"]
        if len(variables) > 1:
            var = st.selectbox(
                var_label,
                variables,
                index=variables.index(var),
                key="var",
                bind="query-params",
            )
        values: dict[str, sympy.Expr] = {}
        others = [v for v in variables if v != var]
        for other in others:
            value_text = st.text_input(
                f"Value of {other}", value="1", key=f"value_{other}", bind="query-params"
            )
            value, problem = _read(f"Value of {other}", value_text, parse_point, other)
            if problem:
                problems.append(problem)
            else:
                values[other] = value

        function = None
        if not text_problem:  # a bad value of another variable leaves J itself readable
            function, message = prepared_function(text, var)
            if message:
                problems.append(Problem("Function", text, message))

        point_text = st.text_input(
            f"Point {var} =",
            value=DEFAULT_POINT,
            key="at",
            bind="query-params",
            help="Any number or constant expression: 3, -0.5, pi/4, 1e-3.",
        )
        point, problem = _read(f"Point {var}", point_text, parse_point, var)
        if problem:
            problems.append(problem)
        if len(values) < len(others):
            point = None  # J has no value at the point until every other variable has one

        eps_text = st.text_input(
            "Step ε =",
            value=DEFAULT_EPS,
            key="eps",
            bind="query-params",
            help="Type any positive number (0.001, 3e-9), or move it by decades below.",
        )
        eps, problem = _read("Step ε", eps_text, parse_step)
        if problem:
            problems.append(problem)
        else:
            st.session_state["eps_decade"] = _nearest_decade(eps)
        st.select_slider(
            "Move ε by decades",
            options=DECADES,
            key="eps_decade",
            on_change=_set_eps_from_decade,
        )

    inputs = Inputs(text, var, function, point, eps, values, tuple(problems))
    st.session_state["inputs"] = inputs
    for p in problems:
        show_input_problem(p.label, p.text, p.message, p.position)
    for note in link_notes:
        show_problem(note)
    return inputs


def current_inputs() -> Inputs:
    """The inputs the frame read on this run (pages call this)."""
    return st.session_state["inputs"]
