"""The downloaded notebook, executed in a real Jupyter kernel, prints what the page shows."""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from pages import code_text, open_page

from derivcore.expressions import parse
from derivcore.graph import computation_graph
from derivcore.notebook import lab_notebook


@pytest.fixture(autouse=True)
def _no_matplotlib_backend(monkeypatch):
    # Importing streamlit sets MPLBACKEND=Agg; a student's kernel has no such setting and shows
    # the plot inline.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    yield


def _page_k_and_derivative(**query):
    at = open_page(**query)
    code = code_text(at)
    k = float(re.search(r"^k = .* = (\S+)$", code, re.MULTILINE).group(1))
    # J′ at the point: a LaTeX element, or a long one stacked in the overview's formula box
    (value,) = [e.value for e in [*at.latex, *at.markdown] if "J'(" in e.value]
    value = re.sub(r"(\\end\{aligned\}|</div>|\$|\s)+$", "", value)
    derivative = float(re.search(r"(-?[\d.]+(?:e-?\d+)?)$", value).group(1))
    assert len(at.get("download_button")) == 1
    return k, derivative


def _executed_outputs(text: str) -> str:
    notebook = nbformat.reads(text, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    printed = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            if output.output_type == "stream":
                printed.append(output.text)
    assert any(
        o.output_type == "display_data" for c in notebook.cells for o in c.get("outputs", [])
    )
    return "".join(printed)


@pytest.mark.parametrize(
    "f, at, eps",
    [
        ("1/w^2", "4", "1e-9"),  # the lab's exercise
        ("w/3", "0.51", "1e-8"),  # w/3, not (1/3)·w: there they round differently
        ("sigmoid(w) + w^(1/3)", "pi/4", "0.01"),
    ],
)
def test_notebook_prints_the_pages_k_and_derivative(f, at, eps):
    page_k, page_derivative = _page_k_and_derivative(f=f, at=at, eps=eps)
    text = lab_notebook(parse(f), "w", parse(at), float(parse(eps)), page="overview")
    printed = _executed_outputs(text)
    k = float(re.search(r"dJ_dw == k = (\S+)", printed).group(1))
    derivative = float(re.search(r"J'\(w0\) = .* = (\S+)\n", printed).group(1))
    assert k == page_k  # to the last bit: the same float arithmetic
    assert derivative == page_derivative


def test_chain_rule_notebook_has_the_graph_and_the_other_variables():
    values = {"x": parse("2"), "b": parse("8"), "y": parse("1")}
    expr = parse("(w*x + b - y)^2")
    graph = computation_graph(expr, {"w": -2, **values})
    text = lab_notebook(expr, "w", parse("-2"), 1e-3, values, "chain rule", graph=graph)
    printed = _executed_outputs(text)
    # r = w·x + b − y = 3 at w = −2, so J = 9 and J′ = 2r·x = 12 (by hand).
    assert "J = 9.0," in printed
    assert "J'(w0) = 12 = 12.0" in printed
    assert "| J | $c^{2}$ | 9 | 1 |" in text  # the output node: c² with c = 3, ∂J/∂J = 1
