"""Light and dark looks for the figures, readable on their own background.

Figures are written with the Okabe–Ito colours as they read on white. A `PlotTheme` maps them
for its background in one place (`PlotTheme.applied`): the palette's black becomes the theme's
ink (white on a dark page), text gets at least WCAG's 4.5:1 contrast (coloured text is darkened
or lightened until it does, keeping its hue), and a `scale` > 1 enlarges type, margins and height
for a projector.

Contrast is WCAG 2.1's: (L1 + 0.05) / (L2 + 0.05) of the relative luminances
L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels.
"""

from dataclasses import dataclass, replace

TEXT_CONTRAST = 4.5  # WCAG 2.1 AA for normal text (1.4.3)
PALETTE_BLACK = "#000000"


def _channels(colour: str) -> tuple[int, int, int]:
    """#RRGGBB as three 0-255 integers."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected a colour as #RRGGBB, got {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, toward: str, t: float) -> str:
    """The colour a fraction t of the way to `toward`, per sRGB channel."""
    mixed = (
        round(c + (d - c) * t) for c, d in zip(_channels(colour), _channels(toward), strict=True)
    )
    return "#{:02X}{:02X}{:02X}".format(*mixed)


def readable(colour: str, background: str, ratio: float = TEXT_CONTRAST) -> str:
    """`colour`, or the nearest mix of it with black (on a light background) or white (on a dark
    one) that reaches `ratio` against `background`."""
    if contrast_ratio(colour, background) >= ratio:
        return colour
    toward = "#000000" if relative_luminance(background) > 0.18 else "#FFFFFF"
    for step in range(1, 21):
        mixed = _mix(colour, toward, step / 20)
        if contrast_ratio(mixed, background) >= ratio:
            return mixed
    return toward


@dataclass(frozen=True)
class PlotTheme:
    """The look of a figure on one background. `scale` > 1 is the presentation mode."""

    name: str
    background: str
    text: str
    ink: str  # what the palette's black becomes: lines and markers that must stand out
    axis_line: str
    grid: str
    zero_line: str
    shade: str  # the band below the breakdown ε
    label_background: str  # behind labels drawn over the curves
    scale: float = 1.0

    def scaled(self, scale: float) -> "PlotTheme":
        return replace(self, scale=scale)

    def line_colour(self, colour):
        """A trace's colour (or list of colours) on this background."""
        if isinstance(colour, (list, tuple)):
            return [self.line_colour(c) for c in colour]
        return self.ink if isinstance(colour, str) and colour.upper() == PALETTE_BLACK else colour

    def text_colour(self, colour: str | None) -> str:
        """Text in `colour` (the theme's text colour if None), at least 4.5:1 on the background."""
        if colour is None or colour.upper() == PALETTE_BLACK:
            return self.text
        return readable(colour, self.background)

    def applied(self, traces: list[dict], layout: dict) -> dict:
        """Recolour (and for `scale` > 1 enlarge) a figure given as plain dicts, in place;
        returns the layout."""
        height = round(layout["height"] * self.scale)
        layout.update(
            paper_bgcolor=self.background,
            plot_bgcolor=self.background,
            height=min(height, PRESENTATION_MAX_HEIGHT) if self.scale > 1 else height,
        )
        if "margin" in layout:
            layout["margin"] = {k: round(v * self.scale) for k, v in layout["margin"].items()}
        layout["font"] = self._font(layout.get("font"))
        for key in ("legend", "hoverlabel"):
            if key in layout:
                layout[key]["font"] = self._font(layout[key].get("font"))
        for key, axis in layout.items():
            if key.startswith(("xaxis", "yaxis")):
                axis.update(
                    linecolor=self.axis_line, gridcolor=self.grid, zerolinecolor=self.zero_line
                )
                axis["tickfont"] = self._font(axis.get("tickfont"))
                if isinstance(axis.get("title"), dict):
                    axis["title"]["font"] = self._font(axis["title"].get("font"))
        for annotation in layout.get("annotations", []):
            annotation["font"] = self._font(annotation.get("font"))
            if "yshift" in annotation:
                annotation["yshift"] = annotation["yshift"] * self.scale
            if "bgcolor" in annotation:
                annotation["bgcolor"] = self.label_background
        for shape in layout.get("shapes", []):
            if "fillcolor" in shape:
                shape["fillcolor"] = self.shade
        for trace in traces:
            for part in ("line", "marker"):
                if part in trace and "color" in trace[part]:
                    trace[part]["color"] = self.line_colour(trace[part]["color"])
                if part == "marker" and "line" in trace.get("marker", {}):
                    outline = trace["marker"]["line"]
                    if "color" in outline:
                        outline["color"] = self.line_colour(outline["color"])
        return layout

    def _font(self, font: dict | None) -> dict:
        font = dict(font or {})
        font["color"] = self.text_colour(font.get("color"))
        if "size" in font:
            font["size"] = round(font["size"] * self.scale)
        return font


LIGHT = PlotTheme(
    name="light",
    background="#FFFFFF",
    text="#1A1C23",
    ink=PALETTE_BLACK,
    axis_line="#444444",
    grid="#E6E6E6",
    zero_line="#AAAAAA",
    shade="rgba(0,0,0,0.07)",
    label_background="rgba(255,255,255,0.85)",
)
# Streamlit 1.67's dark background (rgb(23, 22, 20)), so a figure is not a box on the page.
DARK = PlotTheme(
    name="dark",
    background="#171614",
    text="#FAFAFA",
    ink="#FFFFFF",
    axis_line="#B0B3BA",
    grid="#34322E",
    zero_line="#66635C",
    shade="rgba(255,255,255,0.10)",
    label_background="rgba(23,22,20,0.85)",
)
PRESENTATION_SCALE = 1.4
# A projector at 1280×720, or 1920×1080 at 1.5× (the same 1280×720 CSS pixels), shows 720 px, of
# which Streamlit's header takes 82 at presentation type (22 px root): a taller plot (the error
# plot at 1.4 × 520 = 728 px) would put the bottom of the V below the fold.
PRESENTATION_MAX_HEIGHT = 620


def plot_theme(kind: str | None, presentation: bool = False) -> PlotTheme:
    """The theme for a page whose Streamlit theme is `kind` ("light", "dark", or None when not
    yet known: light), enlarged for a projector when `presentation`."""
    theme = DARK if kind == "dark" else LIGHT
    return theme.scaled(PRESENTATION_SCALE) if presentation else theme
