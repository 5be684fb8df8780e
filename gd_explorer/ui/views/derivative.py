"""The derivative as a slope: a secant through x0 and x0 + Δ turning into the tangent."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.expressions import ExpressionError, central_difference, parse_expression
from gd_explorer.ui import style

FloatFunction = Callable[[NDArray[np.float64]], NDArray[np.float64]]

OBJECT_NAME = "derivativeView"
#: The built-in functions: name -> (label, f, exact derivative f').
BUILT_INS: dict[str, tuple[str, FloatFunction, Callable[[float], float]]] = {
    "2x": ("f(x) = 2x", lambda x: 2.0 * x, lambda x0: 2.0),
    "x²": ("f(x) = x²", lambda x: x * x, lambda x0: 2.0 * x0),
}
TYPED = "typed"
TABLE_DELTAS = (1.0, 0.1, 0.01, 0.001, 0.0001)
DELTA_MIN, DELTA_MAX = 1e-4, 2.0
SLIDER_STEPS = 400
#: Half the width of the drawn part of the curve around x0.
HALF_WIDTH = 3.0
CURVE_POINTS = 600
CONTROL_POINT_SIZE = 14
TABLE_POINT_SIZE = 16
SECANT = "#d62728"
CURVE = "#303030"
RUN_RISE = "#9467bd"
TANGENT_TEXT = "#0e7c86"  # the tangent colour, darkened to read as text


def slope_text(value: float) -> str:
    """Return a slope with up to 6 significant digits and a true minus sign.

    Parameters
    ----------
    value : float
        The slope.

    Returns
    -------
    str
        E.g. ``"8.0001"``, ``"−2"``, ``"undefined"`` for nan.
    """
    if not math.isfinite(value):
        return "undefined"
    return f"{value:.6g}".replace("-", "\N{MINUS SIGN}")


class DerivativeView(QWidget):
    """A function, a point x0 and a step Δ: the secant's slope approaches the derivative.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    plot : pg.PlotWidget
        The plot (objectName ``derivativePlot``).
    curve, secant, tangent, run, rise : pg.PlotCurveItem
        The drawn lines, exposed for tests.
    points : pg.ScatterPlotItem
        (x0, f(x0)) and (x0 + Δ, f(x0 + Δ)).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("derivative as the limit of secant slopes")
        font = self.font()
        font.setPointSize(CONTROL_POINT_SIZE)
        self.setFont(font)
        self._function: FloatFunction = BUILT_INS["x²"][1]
        self._exact: Callable[[float], float] | None = BUILT_INS["x²"][2]
        self._x0 = 4.0
        self._delta = 1.0
        self._secant_slope = math.nan
        self._tangent_slope = math.nan
        self._build_controls()
        self._build_plot()
        layout = QHBoxLayout(self)
        layout.addWidget(self.plot, stretch=3)
        layout.addLayout(self._controls, stretch=2)
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the plot, the curve, the secant, the tangent, run and rise, the read-out."""
        style.theme_plot(self.plot, theme)
        self.curve.setPen(pg.mkPen(theme.curve, width=style.LINE_WIDTH - 1))
        self.tangent.setPen(
            pg.mkPen(theme.tangent, width=style.LINE_WIDTH, style=Qt.PenStyle.DashLine)
        )
        self.secant.setPen(pg.mkPen(theme.secant, width=style.LINE_WIDTH - 1))
        self.run.setPen(pg.mkPen(theme.run_rise, width=style.LINE_WIDTH))
        self.rise.setPen(pg.mkPen(theme.run_rise, width=style.LINE_WIDTH))
        self.points.setPen(pg.mkPen(theme.edge, width=2))
        self.points.setBrush(pg.mkBrush(theme.secant))
        self.run_label.setColor(theme.run_rise)
        self.rise_label.setColor(theme.run_rise)
        self.error_label.setStyleSheet(f"color: {theme.error}; font-size: {CONTROL_POINT_SIZE}pt;")
        self._redraw()

    # -- building ---------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.function_choice = QComboBox()
        self.function_choice.setObjectName("functionChoice")
        for name, (label, _, _) in BUILT_INS.items():
            self.function_choice.addItem(label, name)
        self.function_choice.addItem("f(x) = typed below", TYPED)
        self.function_choice.setCurrentIndex(1)
        self.function_choice.currentIndexChanged.connect(self._on_choice)

        self.function_input = QLineEdit("sin(x)")
        self.function_input.setObjectName("functionInput")
        self.function_input.setPlaceholderText("e.g. x**3 - 2*x")
        self.function_input.setAccessibleName("your function of x")
        self.function_input.returnPressed.connect(self._on_typed)
        self.error_label = QLabel("")
        self.error_label.setObjectName("functionError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: #b00020; font-size: {CONTROL_POINT_SIZE}pt;")

        self.point_input = QDoubleSpinBox()
        self.point_input.setObjectName("pointInput")
        self.point_input.setAccessibleName("the point x0")
        self.point_input.setRange(-100.0, 100.0)
        self.point_input.setDecimals(2)
        self.point_input.setSingleStep(0.5)
        self.point_input.setValue(self._x0)
        self.point_input.valueChanged.connect(self._on_point)

        self.delta_input = QSlider(Qt.Orientation.Horizontal)
        self.delta_input.setObjectName("deltaInput")
        self.delta_input.setAccessibleName("the step delta, on a log scale")
        self.delta_input.setRange(0, SLIDER_STEPS)
        self.delta_input.setValue(_slider_position(self._delta))
        self.delta_input.valueChanged.connect(self._on_slider)
        self.delta_label = QLabel()

        self.readout = QLabel()
        self.readout.setObjectName("slopeReadout")
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.RichText)

        self.slope_table = QTableWidget(len(TABLE_DELTAS), 2)
        self.slope_table.setObjectName("slopeTable")
        self.slope_table.setHorizontalHeaderLabels(["Δ", "secant slope"])
        self.slope_table.verticalHeader().setVisible(False)
        self.slope_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.slope_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.slope_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.slope_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slope_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table_font = QFont(font_of(self))
        table_font.setPointSize(TABLE_POINT_SIZE)
        self.slope_table.setFont(table_font)
        table_font.setBold(True)
        self.slope_table.horizontalHeader().setFont(table_font)
        for row in range(len(TABLE_DELTAS)):
            for column in range(2):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.slope_table.setItem(row, column, item)

        form = QFormLayout()
        form.addRow("function", self.function_choice)
        form.addRow("type f(x)", self.function_input)
        form.addRow(self.error_label)
        form.addRow("x₀", self.point_input)
        form.addRow("Δ", self.delta_input)
        form.addRow("", self.delta_label)
        self._controls = QVBoxLayout()
        self._controls.addLayout(form)
        self._controls.addWidget(self.readout)
        self._controls.addWidget(self.slope_table, stretch=1)

    def _build_plot(self) -> None:
        self.plot = style.make_plot("derivativePlot", "x", "f(x)")
        self.plot.setAccessibleName("the function, the secant and the tangent")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().hideButtons()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(CURVE, width=style.LINE_WIDTH - 1))
        self.curve.setObjectName("curve")
        self.tangent = pg.PlotCurveItem(
            pen=pg.mkPen(style.TANGENT, width=style.LINE_WIDTH, style=Qt.PenStyle.DashLine)
        )
        self.secant = pg.PlotCurveItem(pen=pg.mkPen(SECANT, width=style.LINE_WIDTH - 1))
        self.run = pg.PlotCurveItem(pen=pg.mkPen(RUN_RISE, width=style.LINE_WIDTH))
        self.rise = pg.PlotCurveItem(pen=pg.mkPen(RUN_RISE, width=style.LINE_WIDTH))
        self.points = pg.ScatterPlotItem(
            size=style.MARKER_SIZE, pen=pg.mkPen("#202020", width=2), brush=pg.mkBrush(SECANT)
        )
        label_font = QFont()
        label_font.setPointSize(style.BASE_POINT_SIZE + 1)
        label_font.setBold(True)
        self.run_label = pg.TextItem("Δ (run)", color=RUN_RISE, anchor=(0.5, 0.0))
        self.rise_label = pg.TextItem("rise", color=RUN_RISE, anchor=(0.0, 0.5))
        for text in (self.run_label, self.rise_label):
            text.setFont(label_font)
        for drawn in (self.curve, self.tangent, self.secant, self.run, self.rise, self.points):
            self.plot.addItem(drawn)
        self.plot.addItem(self.run_label, ignoreBounds=True)
        self.plot.addItem(self.rise_label, ignoreBounds=True)

    # -- public -----------------------------------------------------------------------

    def set_function(self, name_or_text: str) -> bool:
        """Show a built-in function (``"2x"``, ``"x²"``) or parse a typed one.

        Parameters
        ----------
        name_or_text : str
            A built-in name, or a formula in x such as ``"sin(x)"``.

        Returns
        -------
        bool
            False when the text was refused: the error is shown and the previous
            function kept.
        """
        key = name_or_text.strip()
        if key in BUILT_INS:
            with QSignalBlocker(self.function_choice):
                self.function_choice.setCurrentIndex(self.function_choice.findData(key))
            self._function, self._exact = BUILT_INS[key][1], BUILT_INS[key][2]
            self.error_label.setText("")
            self._redraw()
            return True
        with QSignalBlocker(self.function_input):
            self.function_input.setText(name_or_text)
        return self._use_typed()

    def set_point(self, x0: float) -> None:
        """Move the point x0.

        Parameters
        ----------
        x0 : float
            The point; clamped to the input's range.
        """
        with QSignalBlocker(self.point_input):
            self.point_input.setValue(float(x0))
        self._x0 = self.point_input.value()
        self._redraw()

    def set_delta(self, delta: float) -> None:
        """Set the step Δ (the slider follows to its nearest position).

        Parameters
        ----------
        delta : float
            The step, clamped to [1e-4, 2].
        """
        self._delta = min(max(float(delta), DELTA_MIN), DELTA_MAX)
        with QSignalBlocker(self.delta_input):
            self.delta_input.setValue(_slider_position(self._delta))
        self._redraw()

    @property
    def secant_slope(self) -> float:
        """float: (f(x0 + Δ) − f(x0)) / Δ at the current Δ."""
        return self._secant_slope

    @property
    def tangent_slope(self) -> float:
        """float: f'(x0): exact for the built-ins, a central difference otherwise."""
        return self._tangent_slope

    @property
    def x0(self) -> float:
        """float: the current point."""
        return self._x0

    @property
    def delta(self) -> float:
        """float: the current step Δ."""
        return self._delta

    def table_rows(self) -> list[tuple[float, float]]:
        """Return (Δ, secant slope) for Δ = 1, 0.1, 0.01, 0.001 and 0.0001.

        Returns
        -------
        list of (float, float)
            One row per Δ, in the table's order.
        """
        return [(delta, self._slope(delta)) for delta in TABLE_DELTAS]

    # -- user input -------------------------------------------------------------------

    def _on_choice(self, index: int) -> None:
        key = self.function_choice.itemData(index)
        if key == TYPED:
            self._use_typed()
        else:
            self.set_function(key)

    def _on_typed(self) -> None:
        self._use_typed()

    def _on_point(self, value: float) -> None:
        self._x0 = value
        self._redraw()

    def _on_slider(self, position: int) -> None:
        self._delta = _slider_delta(position)
        self._redraw()

    def _use_typed(self) -> bool:
        try:
            expression = parse_expression(self.function_input.text())
        except ExpressionError as error:
            self.error_label.setText(str(error))
            return False
        self.error_label.setText("")
        with QSignalBlocker(self.function_choice):
            self.function_choice.setCurrentIndex(self.function_choice.findData(TYPED))
        self._function, self._exact = expression, None
        self._redraw()
        return True

    # -- drawing ----------------------------------------------------------------------

    def _f(self, x: float) -> float:
        with np.errstate(all="ignore"):
            value = float(self._function(np.array([x], dtype=np.float64))[0])
        return value if math.isfinite(value) else math.nan

    def _slope(self, delta: float) -> float:
        return (self._f(self._x0 + delta) - self._f(self._x0)) / delta

    def _redraw(self) -> None:
        x0, delta = self._x0, self._delta
        f0, f1 = self._f(x0), self._f(x0 + delta)
        self._secant_slope = (f1 - f0) / delta
        exact = self._exact
        self._tangent_slope = exact(x0) if exact else central_difference(self._function, x0)

        xs = np.linspace(x0 - HALF_WIDTH, x0 + HALF_WIDTH, CURVE_POINTS)
        with np.errstate(all="ignore"):
            ys = np.asarray(self._function(xs), dtype=np.float64)
        ys = np.where(np.isfinite(ys), ys, np.nan)
        self.curve.setData(xs, ys, connect="finite")
        self.points.setData([x0, x0 + delta], [f0, f1])
        reach = HALF_WIDTH * 0.6
        self._line(self.secant, x0, f0, self._secant_slope, x0 - reach, x0 + delta + reach)
        self._line(self.tangent, x0, f0, self._tangent_slope, x0 - reach, x0 + reach)
        self.run.setData([x0, x0 + delta], [f0, f0])
        self.rise.setData([x0 + delta, x0 + delta], [f0, f1])
        self.run_label.setPos(x0 + delta / 2, f0)
        self.rise_label.setPos(x0 + delta, (f0 + f1) / 2)
        self._frame(xs, ys)

        self.delta_label.setText(f"Δ = {slope_text(delta)}")
        theme = style.current_theme()
        self.readout.setText(
            f'<span style="font-size:16pt; color:{theme.secant}"><b>secant slope = '
            f"{slope_text(self._secant_slope)}</b></span><br>"
            f'<span style="font-size:13pt">= (f(x₀+Δ) − f(x₀)) / Δ = rise / run</span><br>'
            f'<span style="font-size:16pt; color:{theme.tangent_text}"><b>tangent slope '
            f"f′(x₀) = {slope_text(self._tangent_slope)}</b></span>"
        )
        for row, (table_delta, slope) in enumerate(self.table_rows()):
            self._cell(row, 0).setText(slope_text(table_delta))
            self._cell(row, 1).setText(slope_text(slope))

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.slope_table.item(row, column)
        assert item is not None
        return item

    @staticmethod
    def _line(
        item: pg.PlotCurveItem, x0: float, y0: float, slope: float, left: float, right: float
    ) -> None:
        if not (math.isfinite(y0) and math.isfinite(slope)):
            item.setData(x=[], y=[])
            return
        item.setData([left, right], [y0 + slope * (left - x0), y0 + slope * (right - x0)])

    def _frame(self, xs: NDArray[np.float64], ys: NDArray[np.float64]) -> None:
        finite = ys[np.isfinite(ys)]
        self.plot.setXRange(float(xs[0]), float(xs[-1]), padding=0.02)
        if len(finite):
            low, high = float(finite.min()), float(finite.max())
            if high - low < 1e-9:
                low, high = low - 1.0, high + 1.0
            self.plot.setYRange(low, high, padding=0.08)


def font_of(widget: QWidget) -> QFont:
    """Return a copy of ``widget``'s font.

    Parameters
    ----------
    widget : QWidget
        The widget.

    Returns
    -------
    QFont
        Its font.
    """
    return QFont(widget.font())


def _slider_position(delta: float) -> int:
    low, high = math.log10(DELTA_MIN), math.log10(DELTA_MAX)
    return round((math.log10(delta) - low) / (high - low) * SLIDER_STEPS)


def _slider_delta(position: int) -> float:
    low, high = math.log10(DELTA_MIN), math.log10(DELTA_MAX)
    value = 10 ** (low + (high - low) * position / SLIDER_STEPS)
    return float(f"{value:.2g}")  # round numbers in the label: 0.01, not 0.009977
