"""The learning-rate sweep: what each rate leads to, log–log, over the rate bands.

Passive: ``show_sweep`` and ``show_progress`` draw what they are given; the Sweep and
Cancel buttons leave as ``sweepRequested`` and ``cancelRequested``. The sweep itself is
the engine's (``gd_explorer.engine.sweep``); any object with ``rates``, ``final_cost``,
``steps`` (−1: never reached), ``status`` and ``complete`` is drawn.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.ui import style
from gd_explorer.ui.controls import BANDS, band_fill, bands_text
from gd_explorer.ui.views.history import LogAxis

OBJECT_NAME = "learningRateSweep"
MODES = {"cost": "Final cost", "steps": "Steps to converge"}
Y_LABELS = {
    "cost": "cost at the last step (log scale)",
    "steps": "steps to converge (log scale)",
}
X_LABEL = "learning rate (log scale)"
EMPTY_TEXT = (
    "No sweep yet.\n\nPress Sweep to run the current settings once for each of many "
    "learning rates and see, rate by rate, the cost each run ends at, or how many steps "
    "it needs to come within 1e-6 of the optimal cost."
)
#: A cost of exactly 0 has no logarithm: it is drawn this many times below the smallest
#: positive cost shown.
ZERO_BELOW = 10.0
#: Room around the points, in decades.
PAD = 0.15
SYMBOL_SIZE = 10
#: The bands' opacity behind the points, as a share of the slider strip's.
BAND_STRENGTH = 0.5


def _as_array(values: Any, dtype: type) -> NDArray[Any]:
    try:
        array: NDArray[Any] = np.asarray(values, dtype=dtype).ravel()
    except (TypeError, ValueError):
        return np.empty(0, dtype=dtype)
    return array


class SweepView(QWidget):
    """Final cost (or steps to converge) against learning rate, with the bands behind."""

    sweepRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self._result: Any = None
        self._bands: tuple[float, float] | None = None
        self._total = 0

        self.plot = pg.PlotWidget(
            background=style.current_theme().background,
            axisItems={side: LogAxis(side) for side in ("bottom", "left")},
        )
        self.plot.setObjectName("learningRateSweepPlot")
        style.style_plot(self.plot, X_LABEL, Y_LABELS["cost"])
        item = self.plot.getPlotItem()
        item.setLogMode(True, True)  # the axes tick in decades; items get log10 coordinates
        item.setMenuEnabled(False)
        item.hideButtons()
        for side in ("bottom", "left"):
            item.getAxis(side).enableAutoSIPrefix(False)  # "(x0.001)" would hide the rates
        self.plot.setMouseEnabled(x=False, y=False)
        self.regions: dict[str, list[pg.LinearRegionItem]] = {}
        self.region_labels: dict[str, pg.TextItem] = {}
        for name, _colour, pattern in BANDS:
            layers = [pg.LinearRegionItem(movable=False)]
            if pattern != Qt.BrushStyle.SolidPattern:
                layers.append(pg.LinearRegionItem(movable=False))
            for layer in layers:
                layer.setZValue(-10)
                for line in layer.lines:
                    line.setPen(pg.mkPen(None))
                item.addItem(layer, ignoreBounds=True)
            self.regions[name] = layers
            label = pg.TextItem(name, anchor=(0.5, 0.0))
            item.addItem(label, ignoreBounds=True)
            self.region_labels[name] = label
        self.curve = pg.PlotCurveItem()
        self.points = pg.ScatterPlotItem(size=SYMBOL_SIZE, symbol="o")
        self.diverged_points = pg.ScatterPlotItem(size=SYMBOL_SIZE + 4, symbol="x")
        self.never_points = pg.ScatterPlotItem(size=SYMBOL_SIZE + 2, symbol="t1")
        for shown in (self.curve, self.points, self.diverged_points, self.never_points):
            item.addItem(shown)
        self.legend = pg.LegendItem(offset=(10, -10))  # bottom left, clear of the top marks
        self.legend.setParentItem(item.vb)

        self.mode = QComboBox()
        self.mode.setObjectName("sweepModeInput")
        for key, label in MODES.items():
            self.mode.addItem(label, key)
        self.mode.setToolTip(
            "What to draw for each learning rate: the cost its run ends at, or how many "
            "steps it needs to come within 1e-6 of the optimal cost."
        )
        self.sweep_button = QPushButton("Sweep")
        self.sweep_button.setObjectName("sweepButton")
        self.sweep_button.setToolTip(
            "Run the current settings once for each of many learning rates, in the engine."
        )
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress.setFormat("%v of %m rates")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("sweepCancelButton")
        self.cancel_button.setToolTip("Stop the sweep; the rates done so far are kept.")
        self.note = QLabel()
        self.note.setObjectName("sweepNote")
        self.note.setWordWrap(True)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("sweepEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        bar = QHBoxLayout()
        bar.addWidget(self.sweep_button)
        bar.addWidget(self.mode)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        bar.addStretch(0)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(self._stack, 1)
        layout.addWidget(self.note)

        self.sweep_button.clicked.connect(self.sweepRequested)
        self.cancel_button.clicked.connect(self._cancel)
        self.mode.currentIndexChanged.connect(self._redraw)
        self._show_running(False)
        self.apply_theme(style.current_theme())

    # What the window sets.

    def show_progress(self, done: int, total: int) -> None:
        """Show a sweep under way: ``done`` of ``total`` rates (the bar hides at the end)."""
        self._total = max(int(total), 0)
        running = 0 <= done < total
        if running:
            self.progress.setRange(0, self._total)
            self.progress.setValue(max(int(done), 0))
        self._show_running(running)

    def show_sweep(
        self, result: Any, one_over_l: float | None = None, two_over_l: float | None = None
    ) -> None:
        """Draw ``result`` (None: the empty state) with the bands at 1/L and 2/L.

        Ends the sweep under way, if any. Rates that are not positive numbers are left
        out; costs that are not numbers count as diverged.
        """
        self._result = result
        self._bands = self._band_edges(one_over_l, two_over_l)
        self._show_running(False)
        self._redraw()

    def clear(self) -> None:
        """Show the empty state."""
        self.show_sweep(None)

    def set_mode(self, mode: str) -> None:
        """Draw final costs ("cost") or steps to converge ("steps")."""
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour everything for ``theme``."""
        style.theme_plot(self.plot, theme)
        for name, colour, pattern in BANDS:
            layers = self.regions[name]
            layers[0].setBrush(QBrush(band_fill(colour, theme.dark, BAND_STRENGTH)))
            if len(layers) > 1:
                layers[1].setBrush(QBrush(QColor(colour), pattern))
            self.region_labels[name].setColor(theme.foreground)
        self.curve.setPen(pg.mkPen(theme.fit, width=2))
        self.points.setBrush(pg.mkBrush(theme.fit))
        self.points.setPen(pg.mkPen(theme.edge, width=1))
        self.diverged_points.setBrush(pg.mkBrush(theme.error))
        self.diverged_points.setPen(pg.mkPen(theme.error, width=2))
        self.never_points.setBrush(pg.mkBrush(None))
        self.never_points.setPen(pg.mkPen(theme.muted, width=2))
        self.legend.setBrush(pg.mkBrush(theme.legend_fill))
        self.legend.setPen(pg.mkPen(theme.axis))
        self.legend.setLabelTextColor(theme.foreground)
        self._redraw()

    # Inside.

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.cancelRequested.emit()

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if not running:
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText("Cancel")
        self.sweep_button.setEnabled(not running)

    @staticmethod
    def _band_edges(one: float | None, two: float | None) -> tuple[float, float] | None:
        """Return log10 of 1/L and 2/L (±inf beyond any range), or None if not known."""
        if one is None or two is None or math.isnan(one) or math.isnan(two):
            return None

        def log(rate: float) -> float:
            return -math.inf if rate <= 0.0 else math.log10(rate)

        low = log(one)
        return low, max(low, log(two))

    def _redraw(self) -> None:
        result = self._result
        rates = _as_array(getattr(result, "rates", ()), np.float64)
        if result is None or not np.any(np.isfinite(rates) & (rates > 0)):
            self._stack.setCurrentWidget(self.empty)
            self.empty.setText(EMPTY_TEXT if result is None else "The sweep has no runs to show.")
            self.note.clear()
            return
        self._stack.setCurrentWidget(self.plot)
        mode = self.mode.currentData()
        self.plot.getPlotItem().getAxis("left").setLabel(
            Y_LABELS[mode], **style.axis_label_style()
        )
        n = rates.size
        costs = _fit(_as_array(getattr(result, "final_cost", ()), np.float64), n, math.nan)
        steps = _fit(_as_array(getattr(result, "steps", ()), np.float64), n, -1.0)
        status = list(getattr(result, "status", ()) or ())
        diverged = np.array([i < len(status) and status[i] == "diverged" for i in range(n)])
        usable = np.isfinite(rates) & (rates > 0)
        x = np.log10(np.where(usable, rates, 1.0))
        diverged |= ~np.isfinite(costs) | (costs < 0)
        if mode == "cost":
            shown = usable & ~diverged
            y = costs
        else:
            shown = usable & ~diverged & np.isfinite(steps) & (steps >= 0)
            y = np.maximum(steps, 1.0)  # 0 steps (started at the optimum) has no log
        top_marks = usable & ~shown
        ly = self._log_values(y, shown)
        x_range = _span(x[usable], 0.5)
        y_range = _span(ly[shown], 1.0)
        top = y_range[1] + PAD
        self.curve.setData(x[shown], ly[shown])
        self.points.setData(x[shown], ly[shown])
        self.diverged_points.setData(
            x[top_marks & diverged], np.full(int(np.sum(top_marks & diverged)), top)
        )
        never = top_marks & ~diverged
        self.never_points.setData(x[never], np.full(int(np.sum(never)), top))
        view = (x_range[0] - PAD, x_range[1] + PAD), (y_range[0] - PAD, top + PAD)
        self.plot.getPlotItem().vb.setRange(xRange=view[0], yRange=view[1], padding=0)
        self._draw_bands(view)
        self._fill_legend(int(np.sum(top_marks & diverged)), int(np.sum(never)))
        self._write_note(result, n, int(np.sum(diverged & usable)), int(np.sum(never)))

    @staticmethod
    def _log_values(y: NDArray[np.float64], shown: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Return log10 of ``y`` where shown; zeros sit :data:`ZERO_BELOW` under the rest."""
        positive = shown & (y > 0)
        floor = float(np.min(y[positive])) / ZERO_BELOW if np.any(positive) else 1e-12
        safe = np.where(shown, np.maximum(np.where(np.isfinite(y), y, 1.0), floor), 1.0)
        return np.log10(np.maximum(safe, np.finfo(np.float64).tiny))

    def _draw_bands(self, view: tuple[tuple[float, float], tuple[float, float]]) -> None:
        (left, right), (_bottom, top) = view
        edges = self._bands
        for (name, _colour, _pattern), index in zip(BANDS, range(3), strict=True):
            layers, label = self.regions[name], self.region_labels[name]
            if edges is None:
                bounds = None
            else:
                ends = (left, *(min(max(e, left), right) for e in edges), right)
                bounds = (ends[index], ends[index + 1])
            visible = bounds is not None and bounds[1] > bounds[0]
            for layer in layers:
                layer.setVisible(visible)
                if visible:
                    layer.setRegion(bounds)
            label.setVisible(visible)
            if visible and bounds is not None:
                label.setPos((bounds[0] + bounds[1]) / 2, top)
        if edges is not None:
            one, two = (
                10.0**e if math.isfinite(e) else (0.0 if e < 0 else math.inf) for e in edges
            )
            tip = bands_text(one, two, local=False)
        else:
            tip = ""
        self.plot.setToolTip(tip)

    def _fill_legend(self, diverged: int, never: int) -> None:
        self.legend.clear()
        mode = self.mode.currentData()
        self.legend.addItem(self.points, "each rate's run" if mode == "cost" else "steps needed")
        if diverged:
            self.legend.addItem(self.diverged_points, "diverged (drawn at the top)")
        if never:
            self.legend.addItem(self.never_points, "never within 1e-6 (at the top)")

    def _write_note(self, result: Any, n: int, diverged: int, never: int) -> None:
        parts = [f"{n} rates"]
        if diverged:
            parts.append(f"{diverged} diverged")
        if never and self.mode.currentData() == "steps":
            parts.append(f"{never} never came within 1e-6 of the optimal cost")
        if not getattr(result, "complete", True):
            total = f" of {self._total}" if self._total > n else ""
            parts.insert(0, f"Stopped early: {n}{total} rates done")
            parts.pop(1)
        self.note.setText("; ".join(parts) + ".")


def _fit(values: NDArray[np.float64], n: int, filler: float) -> NDArray[np.float64]:
    """Return ``values`` cut or filled to ``n`` entries."""
    out = np.full(n, filler)
    out[: min(n, values.size)] = values[:n]
    return out


def _span(values: NDArray[np.float64], least: float) -> tuple[float, float]:
    """Return the range of ``values``, at least ``least`` wide (centred), or (−1, 1)."""
    if values.size == 0:
        return (-1.0, 1.0)
    low, high = float(np.min(values)), float(np.max(values))
    if high - low < least:
        middle = (low + high) / 2
        return middle - least / 2, middle + least / 2
    return low, high
