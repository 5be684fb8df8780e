"""The cost at each step on a log axis, with the optimum's cost as a dashed line."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from gd_explorer.ui import style

OBJECT_NAME = "historyPlot"

#: Most vertices drawn, however many steps.
MAX_POINTS = 4000
#: A cost of exactly 0 (a perfect fit) has no logarithm: it is drawn this many times below
#: the smallest positive cost, and a note says so.
ZERO_BELOW = 10.0
Y_LABEL = "cost J (log scale)"


def envelope(values: ArrayLike, max_points: int = MAX_POINTS) -> tuple[NDArray, NDArray]:
    """Return at most ``max_points`` (step, value) pairs that keep every spike visible.

    Long series are cut into equal bins (a power of two long, so the bins stay put as
    the series grows) and each bin is drawn as its minimum and maximum, the way a
    waveform is drawn. The first and last values are always included, exactly.

    Parameters
    ----------
    values : array_like, shape (n,)
        The series, one value per step.
    max_points : int
        The most pairs to return (at least 8).

    Returns
    -------
    steps, values : ndarray
        The points to draw.
    """
    y = np.asarray(values, dtype=np.float64).ravel()
    n = len(y)
    if n <= max_points:
        return np.arange(n, dtype=np.float64), y
    bins = (max_points - 4) // 2
    size = 1 << math.ceil(math.log2(n / bins))
    full = n // size * size
    blocks = y[:full].reshape(-1, size)
    lows, highs = [blocks.min(axis=1)], [blocks.max(axis=1)]
    starts = [np.arange(0, full, size, dtype=np.float64)]
    if full < n:  # the unfinished last bin
        lows.append(y[full:].min(keepdims=True))
        highs.append(y[full:].max(keepdims=True))
        starts.append(np.array([float(full)]))
    low, high, start = np.concatenate(lows), np.concatenate(highs), np.concatenate(starts)
    steps = np.empty(2 * len(start) + 2)
    out = np.empty_like(steps)
    steps[0], out[0] = 0.0, y[0]
    steps[1:-1:2], steps[2:-1:2] = start, start
    out[1:-1:2], out[2:-1:2] = low, high
    steps[-1], out[-1] = n - 1, y[-1]
    return steps, out


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_number(value: float) -> str:
    """Return ``value`` with 4 significant digits, a true minus sign and a short exponent.

    Parameters
    ----------
    value : float
        The number.

    Returns
    -------
    str
        E.g. ``"0.8448"``, ``"−5.033e−5"``, ``"5.476e7"``.
    """
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "\N{MINUS SIGN}")


class _LogAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten, in plain numbers."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Return a label for each tick at ``10**value`` (blank for the unlabelled ones).

        Parameters
        ----------
        values : list of float
            Tick positions, as powers of ten.
        scale : float
            Ignored (the SI prefix is off).
        spacing : float
            Ignored.

        Returns
        -------
        list of str
            One label per tick.
        """
        labels = []
        for power in values:
            decade = math.floor(power + 1e-9)
            mantissa = round(10.0 ** (power - decade), 6)
            if mantissa not in (1.0, 2.0, 5.0):
                labels.append("")
            elif -3 <= decade <= 4:
                labels.append(f"{mantissa * 10.0**decade:g}")
            else:
                ten = "10" + str(decade).translate(_SUPERSCRIPT)
                labels.append(ten if mantissa == 1.0 else f"{mantissa:g}·{ten}")
        return labels


class HistoryView(pg.PlotWidget):
    """Cost per step on a log axis, with the optimum's cost as a dashed line.

    Passive: ``set_history`` only draws.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    curve : pg.PlotDataItem
        The cost per step (its displayed y data are log10 of the drawn costs).
    optimum_line : pg.InfiniteLine
        The optimum's cost.
    floor : float
        The floor costs were clamped to in the last update, or 0 if none were.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=style.BACKGROUND, axisItems={"left": _LogAxis("left")})
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("cost at each step, log scale")
        style.style_plot(self, "step", Y_LABEL)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.setLogMode(x=False, y=True)
        self._optimum: float | None = None
        self.floor = 0.0
        self._note_text = ""
        self.note = pg.TextItem(
            color="#404040", anchor=(1, 0), fill=pg.mkBrush(255, 255, 255, 210)
        )
        self.note.setFont(self._label_font())
        self.note.setParentItem(self.getViewBox())
        self.getViewBox().sigResized.connect(self._place_note)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(style.FIT, width=2.5))
        self.addItem(self.curve)
        self.optimum_line = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen(style.OPTIMUM, width=2.5, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={
                "position": 0.97,
                "anchors": [(1, 1), (1, 1)],
                "color": "#1a661a",
                "fill": pg.mkBrush(255, 255, 255, 210),
            },
        )
        self.optimum_line.label.setFont(self._label_font())
        self.optimum_line.setVisible(False)
        self.addItem(self.optimum_line)

    def _label_font(self) -> QFont:
        font = self.font()
        font.setPointSize(style.BASE_POINT_SIZE)
        return font

    def set_history(self, cost: ArrayLike, optimum_cost: float | None = None) -> None:
        """Draw the cost at each step, and the optimum's cost if there is one.

        Parameters
        ----------
        cost : array_like, shape (k,)
            The cost at steps 0 (the start) to k − 1.
        optimum_cost : float, optional
            The exact minimum of the cost; None when no finite optimum exists.
        """
        steps, values = envelope(cost)
        optimum = None if optimum_cost is None else float(optimum_cost)
        floor = self._zero_floor(values, optimum)
        self.curve.setData(steps, np.maximum(values, floor) if floor else values)
        self.floor = floor
        self._show_note(f"a cost of 0 is drawn at {format_number(floor)}" if floor else "")
        self.optimum_line.setVisible(optimum is not None)
        if optimum is not None:
            # InfiniteLine knows nothing of log mode: it takes the log itself.
            self.optimum_line.setValue(math.log10(max(optimum, floor)))
            if optimum != self._optimum:
                self.optimum_line.label.setFormat(f"optimum J* = {format_number(optimum)}")
            self._optimum = optimum

    @staticmethod
    def _zero_floor(values: NDArray[np.float64], optimum: float | None) -> float:
        """Return where to draw costs ≤ 0 (none below zero exist), or 0 if there are none."""
        candidates = values if optimum is None else np.append(values, optimum)
        if not len(candidates) or candidates.min() > 0.0:
            return 0.0
        positive = candidates[candidates > 0.0]
        return float(positive.min()) / ZERO_BELOW if len(positive) else 1.0

    def _show_note(self, text: str) -> None:
        if text != self._note_text:
            self.note.setText(text)
            self.note.setVisible(bool(text))
            self._note_text = text
            self._place_note()

    def _place_note(self) -> None:
        # Top right of the plot area, in its pixels: a cost reaches 0 at the end of a run
        # that fell, so the curve is low there (and the optimum's label sits bottom right).
        self.note.setPos(self.getViewBox().width() - 8, 6)
