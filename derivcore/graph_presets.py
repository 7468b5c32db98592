"""The chain-rule page's example graphs: the course's examples, as (name, function text, values)."""

from typing import NamedTuple


class GraphPreset(NamedTuple):
    name: str
    text: str
    values: dict[str, float]


GRAPH_PRESETS: tuple[GraphPreset, ...] = (
    GraphPreset("The course's example J = (2 + 3w)²", "(2 + 3w)^2", {"w": 3}),
    GraphPreset(
        "Squared error of one training example",
        "(w*x + b - y)^2",
        {"w": -2, "x": 2, "b": 8, "y": 1},
    ),
    GraphPreset("A neuron with a sigmoid", "sigmoid(w*x + b)", {"w": 0.5, "x": 2, "b": -1}),
)
