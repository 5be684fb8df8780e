"""Colours and sizes shared by every view, chosen for a classroom projector."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

BASE_POINT_SIZE = 13
TICK_POINT_SIZE = 13
TITLE_STYLE = {"size": "15pt", "color": "#202020"}
AXIS_LABEL_STYLE = {"font-size": "15pt", "color": "#202020"}
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


def style_plot(
    plot: pg.PlotWidget, x_label: str, y_label: str, title: str = "", grid: bool = False
) -> None:
    """Give a plot large, dark axis text, and a light grid if asked.

    Grids cost a replay of every grid line at each repaint of a live plot (about a
    millisecond an axis on a software renderer), so only still plots should ask.
    """
    item = plot.getPlotItem()
    tick_font = QFont()
    tick_font.setPointSize(TICK_POINT_SIZE)
    for side, label in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.setLabel(label, **AXIS_LABEL_STYLE)
        axis.setTickFont(tick_font)
        axis.setPen(pg.mkPen("#404040", width=1.5))
        axis.setTextPen("#202020")
    item.showGrid(x=grid, y=grid, alpha=0.25)
    if title:
        item.setTitle(title, **TITLE_STYLE)


def make_plot(object_name: str, x_label: str, y_label: str, title: str = "") -> pg.PlotWidget:
    """Return a styled ``PlotWidget`` whose widget (not PlotItem) has ``object_name``."""
    plot = pg.PlotWidget(background=BACKGROUND)
    plot.setObjectName(object_name)  # the keyword argument would go to the PlotItem
    style_plot(plot, x_label, y_label, title)
    return plot


def scale_plot(plot: pg.PlotWidget, factor: float) -> None:
    """Scale a styled plot's tick and axis-label text by ``factor`` (presentation mode)."""
    item = plot.getPlotItem()
    tick_font = QFont()
    tick_font.setPointSizeF(TICK_POINT_SIZE * factor)
    label_style = {**AXIS_LABEL_STYLE, "font-size": f"{15 * factor:.1f}pt"}
    for side in ("bottom", "left"):
        axis = item.getAxis(side)
        axis.setTickFont(tick_font)
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, **label_style)
