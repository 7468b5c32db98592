"""Drawing a computation graph: Graphviz DOT text for st.graphviz_chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from derivcore.graph_text import GRAPH_NUMBERS, plain
from derivcore.number_format import number_text
from derivcore.plot_theme import LIGHT, PlotTheme

if TYPE_CHECKING:
    from derivcore.graph import ComputationGraph


# Okabe–Ito colours (distinguishable with every common colour-vision deficiency); kinds of node
# also differ by shape, so colour is never the only cue. Nodes keep their light fills (and black
# text) on either theme; what sits on the page itself, edges and their labels, takes the theme's
# colours.
_INPUT_FILL = "#56B4E9"  # sky blue
_OUTPUT_FILL = "#E69F00"  # orange
_OPERATION_FILL = "#FFFFFF"
_HIGHLIGHT = "#D55E00"  # vermillion
_HIGHLIGHT_FILL = "#F0E442"  # yellow
_NODE_OUTLINE = "#444444"


def to_dot(
    graph: ComputationGraph,
    highlight: int | str | None = None,
    show_grad: bool = True,
    theme: PlotTheme = LIGHT,
) -> str:
    """The graph as Graphviz DOT, left to right from the inputs to J, drawn on a transparent
    background for a page in `theme` (light or dark).

    Nodes show their formula, forward value and (with `show_grad`) ∂J/∂node; edges show the local
    derivative's value. `highlight` (a node id or name) marks that node and its paths to J.
    """
    marked = graph.node(highlight).id if highlight is not None else None
    on_path = _ancestors(graph, marked) if marked is not None else set()
    output_name = graph.nodes[graph.output].name
    lines = [
        "digraph computation {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", bgcolor="transparent", nodesep=0.3, ranksep=0.5];',
        f'  node [fontname="Helvetica", fontsize=12, style="filled", color="{_NODE_OUTLINE}", '
        'fontcolor="#000000"];',
        f'  edge [fontname="Helvetica", fontsize=11, color="{theme.axis_line}", '
        f'fontcolor="{theme.text}"];',
    ]
    for node in graph.nodes:
        text = [node.name if node.is_input else f"{node.name} = {node.label}"]
        text.append(f"value {number_text(node.value, GRAPH_NUMBERS)}")
        if show_grad:
            text.append(f"∂{output_name}/∂{node.name} = {number_text(node.grad, GRAPH_NUMBERS)}")
        attributes = {
            "label": "\n".join(text),
            "shape": "ellipse" if node.is_input else "box",
            "fillcolor": _INPUT_FILL if node.is_input else _OPERATION_FILL,
        }
        if node.id == graph.output:
            attributes.update(fillcolor=_OUTPUT_FILL, peripheries="2")
        if node.id == marked:
            attributes.update(fillcolor=_HIGHLIGHT_FILL, color=_HIGHLIGHT, penwidth="3")
        lines.append(f"  n{node.id} [{_dot_attributes(attributes)}];")
    for edge in graph.edges:
        attributes = {
            "label": number_text(edge.value, GRAPH_NUMBERS),
            "tooltip": f"∂{graph.nodes[edge.parent].name}/∂{graph.nodes[edge.child].name}"
            f" = {plain(edge.derivative)}",
        }
        if edge.child in on_path and edge.parent in on_path:
            attributes.update(color=_HIGHLIGHT, penwidth="2.5")
        lines.append(f"  n{edge.child} -> n{edge.parent} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines)


def _ancestors(graph: ComputationGraph, start: int) -> set[int]:
    """The node and every node on a path from it up to the output."""
    seen = {start}
    stack = [start]
    while stack:
        for parent in graph.nodes[stack.pop()].parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _dot_attributes(attributes: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={_dot_string(value)}" for key, value in attributes.items())


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as centred breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'
