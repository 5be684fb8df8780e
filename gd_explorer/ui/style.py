"""Colours and sizes shared by every view, chosen for a classroom projector."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

BASE_POINT_SIZE = 13
TICK_POINT_SIZE = 13
TITLE_STYLE = {"size": "15pt", "color": "#202020"}
AXIS_LABEL_STYLE = {"font-size": "15pt", "color": "#202020"}
#: Point size of axis labels at text scale 1.
AXIS_LABEL_POINT_SIZE = 15
#: The height pyqtgraph gives a plot's title row; larger or wrapped titles get more.
TITLE_ROW_HEIGHT = 30
MARKER_SIZE = 17
LINE_WIDTH = 4

BACKGROUND = "w"
POINT = "#1f77b4"  # data points (class 1 in logistic)
POINT_CLASS0 = "#ff7f0e"  # class 0 in logistic
FIT = "#d62728"  # the current fitted line / curve
OPTIMUM = "#2ca02c"  # the exact optimum
BALL = "#d62728"
TRAIL = "#9467bd"
TANGENT = "#17becf"
RESIDUAL = "#7f7f7f"
SAMPLED = "#ffd700"  # rows used by the current step


@dataclass(frozen=True)
class Theme:
    """Every colour the views draw with: one light or dark, plain or colour-blind-safe set."""

    name: str
    dark: bool
    background: str  # plot backgrounds
    foreground: str  # text: titles, axis labels, ticks
    muted: str  # captions, hints, secondary text
    axis: str  # axis lines
    edge: str  # outlines of balls and the hover ring
    halo: str  # the light ring around markers (white on light, background on dark)
    legend_fill: tuple[int, int, int, int]
    point: str  # data points (class 1 in logistic)
    class0: str  # class 0 in logistic
    fit: str  # the current fitted line / curve, the cost history curve
    optimum: str  # the exact optimum
    optimum_text: str  # the optimum's colour where it labels text
    ball: str
    trail: str
    tangent: str
    tangent_text: str  # the tangent's colour, where it is text
    residual: str
    sampled: str  # rows used by the current step
    sampled_edge: str
    path: str  # the descent path on the contour and the surface
    curve: str  # plain function curves (cost curve, f(x))
    secant: str
    run_rise: str
    result: str  # equations: the new value, the cost
    held: str  # equations: a held parameter
    error: str  # error text and the divergence banner
    surface_background: tuple[int, int, int]
    surface_text: tuple[int, int, int]
    surface_frame: tuple[float, float, float, float]
    #: One colour per run slot (``scene.MAX_RUNS``); slot 0 is the single run's colour.
    runs: tuple[str, ...] = ()


LIGHT = Theme(
    name="light",
    dark=False,
    background="#ffffff",
    foreground="#202020",
    muted="#555555",
    axis="#404040",
    edge="#202020",
    halo="#ffffff",
    legend_fill=(255, 255, 255, 225),
    point="#1f77b4",
    class0="#ff7f0e",
    fit="#d62728",
    optimum="#2ca02c",
    optimum_text="#1a661a",
    ball="#d62728",
    trail="#9467bd",
    tangent="#17becf",
    tangent_text="#0e7c86",
    residual="#7f7f7f",
    sampled="#ffd700",
    sampled_edge="#b8860b",
    path="#d62728",
    curve="#303030",
    secant="#d62728",
    run_rise="#9467bd",
    result="#0b3d91",
    held="#7a4a00",
    error="#b00020",
    surface_background=(250, 250, 250),
    surface_text=(20, 20, 20),
    surface_frame=(0.35, 0.35, 0.35, 1.0),
    runs=("#d62728", "#cc79a7", "#880e4f", "#651fff"),  # red, pink, wine, violet
)

DARK = Theme(
    name="dark",
    dark=True,
    background="#1e1f22",
    foreground="#e8e8e8",
    muted="#b0b0b0",
    axis="#c0c0c0",
    edge="#f0f0f0",
    halo="#1e1f22",
    legend_fill=(40, 42, 46, 225),
    point="#4fa3e0",
    class0="#ff9f40",
    fit="#ff5c5c",
    optimum="#4cd44c",
    optimum_text="#7ee07e",
    ball="#ff4040",
    trail="#c39bf0",
    tangent="#3fd8e8",
    tangent_text="#5fe0ee",
    residual="#a0a0a0",
    sampled="#ffd700",
    sampled_edge="#ffe766",
    path="#ff5c5c",
    curve="#d8d8d8",
    secant="#ff5c5c",
    run_rise="#c39bf0",
    result="#8ab8ff",
    held="#f0b860",
    error="#ff6b81",
    surface_background=(30, 31, 34),
    surface_text=(230, 230, 230),
    surface_frame=(0.75, 0.75, 0.75, 1.0),
    runs=("#ff5c5c", "#c39bf0", "#c51b7d", "#aa00ff"),  # red, lavender, magenta, violet
)

#: The Okabe–Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Colour-blind-safe: no pair the learner must tell apart differs only in red against green.
# The ball and the path are vermillion, the optimum blue; the classes are blue and orange.
LIGHT_CB = Theme(
    **{
        **LIGHT.__dict__,
        "name": "light-cb",
        "point": OKABE_ITO["blue"],
        "class0": OKABE_ITO["orange"],
        "fit": OKABE_ITO["vermillion"],
        "optimum": OKABE_ITO["blue"],
        "optimum_text": OKABE_ITO["blue"],
        "ball": OKABE_ITO["vermillion"],
        "trail": OKABE_ITO["reddish_purple"],
        "tangent": OKABE_ITO["bluish_green"],
        "tangent_text": "#007a58",
        "sampled": OKABE_ITO["yellow"],
        "sampled_edge": "#9a8c00",
        "path": OKABE_ITO["vermillion"],
        "secant": OKABE_ITO["vermillion"],
        "run_rise": OKABE_ITO["reddish_purple"],
        # Blues, greens and yellows are the cost maps' (viridis); Okabe–Ito's others are
        # taken by the points, the optimum and the tangent, or too light on white.
        "runs": (OKABE_ITO["vermillion"], "#00441b", "#c2185b", "#651fff"),
    }
)
DARK_CB = Theme(
    **{
        **DARK.__dict__,
        "name": "dark-cb",
        "point": OKABE_ITO["sky_blue"],
        "class0": OKABE_ITO["orange"],
        "fit": OKABE_ITO["vermillion"],
        "optimum": OKABE_ITO["sky_blue"],
        "optimum_text": OKABE_ITO["sky_blue"],
        "ball": OKABE_ITO["vermillion"],
        "trail": OKABE_ITO["reddish_purple"],
        "tangent": OKABE_ITO["bluish_green"],
        "tangent_text": "#2fcf9f",
        "sampled": OKABE_ITO["yellow"],
        "sampled_edge": OKABE_ITO["yellow"],
        "path": OKABE_ITO["vermillion"],
        "secant": OKABE_ITO["vermillion"],
        "run_rise": OKABE_ITO["reddish_purple"],
        "runs": (OKABE_ITO["vermillion"], "#b2abd2", "#c51b7d", "#d500f9"),
    }
)

THEMES = {theme.name: theme for theme in (LIGHT, DARK, LIGHT_CB, DARK_CB)}
_current = LIGHT
#: The window's text size (1 is normal), which every plot's text follows.
_text_scale = 1.0
#: The largest scale of plot text and marks: past it, a plot's titles, axis labels, ticks
#: and markers would leave no room for the plot itself on a small screen.
PLOT_TEXT_MOST = 1.5


def plot_text_scale(scale: float) -> float:
    """Return the scale plot text is drawn at for the window's text scale ``scale``."""
    return min(scale, PLOT_TEXT_MOST)


def text_scale() -> float:
    """Return the text scale plots draw their titles, axis labels and ticks at (1 is normal)."""
    return _text_scale


def set_text_scale(factor: float) -> None:
    """Make ``factor`` the text scale of plot text set from now on (see :func:`scale_plot`).

    Raises
    ------
    ValueError
        If ``factor`` is not a positive number.
    """
    global _text_scale
    if not factor > 0:
        raise ValueError(f"a text scale must be above 0, not {factor!r}")
    _text_scale = float(factor)


def points(size: float) -> str:
    """Return ``size`` points at the current text scale, as a style sheet size ("19.5pt")."""
    return f"{size * _text_scale:.1f}pt"


def run_colour(slot: int, theme: Theme | None = None) -> QColor:
    """Return the colour of run slot ``slot`` in ``theme`` (by default the current one).

    Every view draws a run's line, ball, path and history in this colour, so the runs
    of a race read the same everywhere. Slot 0 is the colour a single run has always
    had. The colours keep apart under deuteranopia and protanopia, stay clear of the
    data points, the optimum and the cost maps' colours, and contrast at least 3:1
    with the plot's background (see the tests).

    Parameters
    ----------
    slot : int
        The run's slot, 0 … ``len(theme.runs) - 1``.
    theme : Theme, optional
        The theme; the current one by default.

    Returns
    -------
    QColor
        A new colour, free to change.

    Raises
    ------
    IndexError
        If there is no such slot.
    """
    colours = (theme or _current).runs
    if not 0 <= slot < len(colours):
        raise IndexError(f"no run slot {slot}; the slots are 0 to {len(colours) - 1}")
    return QColor(colours[slot])


def theme_name(scheme: str, colour_blind: bool) -> str:
    """Return the theme for ``scheme`` ("system", "light" or "dark") and the colour-blind flag."""
    base = system_theme() if scheme == "system" else scheme
    if base not in ("light", "dark"):
        base = "light"
    return f"{base}-cb" if colour_blind else base


def system_theme() -> str:
    """Return "dark" when the platform says its colour scheme is dark, else "light"."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return "light"
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)  # Qt 6.5 and later
    if scheme is not None and scheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def current_theme() -> Theme:
    """Return the theme views draw with."""
    return _current


def set_theme(name: str) -> Theme:
    """Make ``name`` (a key of :data:`THEMES`) current and give the application its palette.

    Raises
    ------
    KeyError
        If ``name`` is not a theme.
    """
    global _current
    if name not in THEMES:
        raise KeyError(f"no theme {name!r}; the themes are: {', '.join(THEMES)}")
    _current = THEMES[name]
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        QGuiApplication.setPalette(palette(_current))
    return _current


def palette(theme: Theme) -> QPalette:
    """Return the widget palette for ``theme``: the style's own for light, a dark one for dark."""
    app = QGuiApplication.instance()
    style = getattr(app, "style", None)
    if not theme.dark:
        return style().standardPalette() if style is not None else QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    pal = QPalette()
    colours = {
        role.Window: "#2b2d31",
        role.WindowText: "#e8e8e8",
        role.Base: "#1e1f22",
        role.AlternateBase: "#2b2d31",
        role.ToolTipBase: "#2b2d31",
        role.ToolTipText: "#e8e8e8",
        role.PlaceholderText: "#9a9a9a",
        role.Text: "#e8e8e8",
        role.Button: "#3a3d42",
        role.ButtonText: "#e8e8e8",
        role.BrightText: "#ff6b81",
        role.Light: "#4a4d52",
        role.Midlight: "#3f4247",
        role.Mid: "#2f3236",
        role.Dark: "#151618",
        role.Shadow: "#000000",
        role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff",
        role.Link: "#8ab8ff",
        role.LinkVisited: "#c39bf0",
    }
    for r, colour in colours.items():
        pal.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor("#7a7a7a"))
    return pal


def style_plot(
    plot: pg.PlotWidget, x_label: str, y_label: str, title: str = "", grid: bool = False
) -> None:
    """Give a plot large, dark axis text, and a light grid if asked.

    Grids cost a replay of every grid line at each repaint of a live plot (about a
    millisecond an axis on a software renderer), so only still plots should ask.
    """
    theme = current_theme()
    item = plot.getPlotItem()
    _title_never_widens(item)
    readable_axes(item)
    tick_font = QFont()
    tick_font.setPointSizeF(TICK_POINT_SIZE * _text_scale)
    for side, label in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.setLabel(label, **axis_label_style())
        axis.setTickFont(tick_font)
        axis.setPen(pg.mkPen(theme.axis, width=1.5))
        axis.setTextPen(theme.foreground)
    item.showGrid(x=grid, y=grid, alpha=0.25)
    if title:
        item.setTitle(title, **{**TITLE_STYLE, "color": theme.foreground})


def readable_axes(item: pg.PlotItem) -> None:
    """Give a plot axes whose ticks read as the real numbers (no "(x0.001)" factor)."""
    from gd_explorer.ui.views.items import ReadableAxis  # views import this module

    plain = {
        side: ReadableAxis(side)
        for side in ("bottom", "left")
        if not isinstance(item.getAxis(side), ReadableAxis)
    }
    if plain:
        item.setAxisItems(plain)


def _title_never_widens(item: pg.PlotItem) -> None:
    """Let a title too long for its plot wrap onto more lines, rather than widen the plot.

    pyqtgraph makes a plot at least as wide as its title. In a narrow view (the lessons
    panel open at 1280 pixels, large text) the plot then overflows its view, and what is
    cut off is the right of the plot itself: points, the ball. Cut short instead, the
    title would lose its end ("Data and y = m·x -"): it wraps, and reads in full.

    The title's size also follows the text scale: a view sets its title at the normal
    size, and the title is drawn at that size times :func:`text_scale`, now and after
    every later change of the scale (:func:`scale_plot`).
    """
    label = item.titleLabel
    update_min = label.updateMin
    set_text = label.setText

    def wrap_to_width() -> None:
        text = label.item
        before = text.textWidth()
        text.setTextWidth(-1)
        natural = text.boundingRect().width()
        room = label.size().width()
        wrapped = room if 0 < room < natural else -1.0
        text.setTextWidth(wrapped)
        update_min()
        label.setMinimumWidth(0)  # the preferred width stays the title's
        if label.isVisible():
            # pyqtgraph gives a title a row of 30 pixels: too low for large or wrapped text.
            height = max(TITLE_ROW_HEIGHT, math.ceil(label.itemRect().height()))
            label.setMaximumHeight(height)
            item.layout.setRowFixedHeight(0, height)
        if wrapped != before:
            label.resizeEvent(None)  # place the text again at its new width

    def set_scaled_text(text: str, **args: object) -> None:
        size = args.get("size")
        if isinstance(size, str) and size.endswith("pt"):
            label.base_points = float(size[:-2])  # the size at scale 1
        base = getattr(label, "base_points", None)
        if base is not None:
            args["size"] = points(base)
        set_text(text, **args)

    label.updateMin = wrap_to_width
    label.setText = set_scaled_text
    wrap_to_width()


def theme_plot(plot: pg.PlotWidget, theme: Theme) -> None:
    """Recolour a styled plot's background, axes, axis labels and title for ``theme``."""
    plot.setBackground(theme.background)
    item = plot.getPlotItem()
    for side in ("bottom", "left"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(theme.axis, width=1.5))
        axis.setTextPen(theme.foreground)
        if axis.labelText:
            style = {**axis.labelStyle, "color": theme.foreground}
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, **style)
    title = item.titleLabel
    if title.isVisible() and title.text:
        title.setText(title.text, color=theme.foreground)


def text_style(**extra: str) -> dict[str, str]:
    """Return :data:`TITLE_STYLE` in the current theme's text colour, with ``extra``."""
    return {**TITLE_STYLE, "color": current_theme().foreground, **extra}


def axis_label_style() -> dict[str, str]:
    """Return :data:`AXIS_LABEL_STYLE` in the current theme's text colour and text scale."""
    return {
        **AXIS_LABEL_STYLE,
        "color": current_theme().foreground,
        "font-size": points(AXIS_LABEL_POINT_SIZE),
    }


def make_plot(object_name: str, x_label: str, y_label: str, title: str = "") -> pg.PlotWidget:
    """Return a styled ``PlotWidget`` whose widget (not PlotItem) has ``object_name``."""
    plot = pg.PlotWidget(background=current_theme().background)
    plot.setObjectName(object_name)  # the keyword argument would go to the PlotItem
    style_plot(plot, x_label, y_label, title)
    return plot


def scale_plot(plot: pg.PlotWidget, factor: float | None = None) -> None:
    """Draw a styled plot's title, axis labels and ticks at a text scale (presentation mode).

    Parameters
    ----------
    plot : pg.PlotWidget
        A plot given its style by :func:`style_plot` or :func:`make_plot`.
    factor : float, optional
        The scale; :func:`text_scale` by default (the window sets it first).
    """
    if factor is not None and factor != _text_scale:
        set_text_scale(factor)
    item = plot.getPlotItem()
    tick_font = QFont()
    tick_font.setPointSizeF(TICK_POINT_SIZE * _text_scale)
    label_style = axis_label_style()
    for side in ("bottom", "left"):
        axis = item.getAxis(side)
        axis.setTickFont(tick_font)
        # Larger tick text needs more room per tick: fewer ticks rather than overlapping.
        axis.setTickDensity(min(1.0, 1.0 / _text_scale))
        if axis.labelText:
            style = {**axis.labelStyle, "font-size": label_style["font-size"]}
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, **style)
    title = item.titleLabel
    if getattr(title, "base_points", None) is not None and title.text:
        title.setText(title.text)


def label_axis(plot: pg.PlotWidget, side: str, text: str) -> None:
    """Name one axis of a styled plot (keeping its style)."""
    plot.getPlotItem().getAxis(side).setLabel(text, **axis_label_style())
