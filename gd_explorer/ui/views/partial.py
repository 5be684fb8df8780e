"""Partial derivatives: slices of z(x, y) along x and along y, each with its tangent."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.ui import style
from gd_explorer.ui.views.derivative import slope_text

OBJECT_NAME = "partialDerivativeView"
SURFACES = {"plane": "plane z = c + a·x + b·y", "curved": "curved z = x² + x·y + y²/2"}
DEFAULT_PLANE = (8.0, 3.0, 2.0)  # a, b, c
HALF_WIDTH = 3.0
CURVE_POINTS = 200
TANGENT_REACH = 1.2
CONTROL_POINT_SIZE = 14
SLICE_X_COLOUR = "#1f77b4"
SLICE_Y_COLOUR = "#ff7f0e"
TANGENT_TEXT = "#0e7c86"


class PartialDerivativeView(QWidget):
    """A surface z(x, y), a point (x0, y0) and the two slices through it.

    Along x, y is held at y0 and the tangent's slope is ∂z/∂x; along y, x is held at
    x0 and the slope is ∂z/∂y.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    slice_x_plot, slice_y_plot : pg.PlotWidget
        The slices (objectNames ``sliceXPlot``, ``sliceYPlot``).
    slice_x, slice_y, tangent_x, tangent_y : pg.PlotCurveItem
        The drawn lines, exposed for tests.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("partial derivatives as slopes of two slices")
        font = self.font()
        font.setPointSize(CONTROL_POINT_SIZE)
        self.setFont(font)
        self._kind = "plane"
        self._plane = DEFAULT_PLANE
        self._point = (1.0, 1.0)
        self._slopes = (math.nan, math.nan)

        self.surface_input = QComboBox()
        self.surface_input.setObjectName("surfaceInput")
        for kind, label in SURFACES.items():
            self.surface_input.addItem(label, kind)
        self.surface_input.currentIndexChanged.connect(self._on_surface)
        self.plane_inputs = tuple(
            self._spin(name, value, -20.0, 20.0)
            for name, value in zip(
                ("planeAInput", "planeBInput", "planeCInput"), self._plane, strict=True
            )
        )
        self.point_inputs = (
            self._spin("pointXInput", self._point[0], -5.0, 5.0),
            self._spin("pointYInput", self._point[1], -5.0, 5.0),
        )
        self.formula = QLabel()
        self.formula.setObjectName("surfaceFormula")
        self.formula.setStyleSheet("font-size: 17pt; font-weight: bold;")

        controls = QGridLayout()
        controls.addWidget(QLabel("surface"), 0, 0)
        controls.addWidget(self.surface_input, 0, 1, 1, 5)
        for column, (name, spin) in enumerate(zip("abc", self.plane_inputs, strict=True)):
            controls.addWidget(QLabel(name), 1, 2 * column, Qt.AlignmentFlag.AlignRight)
            controls.addWidget(spin, 1, 2 * column + 1)
        for column, (name, spin) in enumerate(zip(("x₀", "y₀"), self.point_inputs, strict=True)):
            controls.addWidget(QLabel(name), 1, 6 + 2 * column, Qt.AlignmentFlag.AlignRight)
            controls.addWidget(spin, 1, 7 + 2 * column)

        self.slice_x_plot, self.slice_x, self.tangent_x, self.point_x, self.caption_x = (
            self._slice("sliceXPlot", "x", SLICE_X_COLOUR)
        )
        self.slice_y_plot, self.slice_y, self.tangent_y, self.point_y, self.caption_y = (
            self._slice("sliceYPlot", "y", SLICE_Y_COLOUR)
        )
        plots = QHBoxLayout()
        for plot, caption in (
            (self.slice_x_plot, self.caption_x),
            (self.slice_y_plot, self.caption_y),
        ):
            stack = QVBoxLayout()
            stack.addWidget(plot, stretch=1)
            stack.addWidget(caption)
            plots.addLayout(stack)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.formula)
        layout.addLayout(plots, stretch=1)
        self.apply_theme(style.current_theme())

    # -- building ---------------------------------------------------------------------

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour both slices' plots, curves, tangents and points, and the captions."""
        for plot, curve, tangent, point, colour in (
            (self.slice_x_plot, self.slice_x, self.tangent_x, self.point_x, theme.point),
            (self.slice_y_plot, self.slice_y, self.tangent_y, self.point_y, theme.class0),
        ):
            style.theme_plot(plot, theme)
            curve.setPen(pg.mkPen(colour, width=style.LINE_WIDTH))
            tangent.setPen(
                pg.mkPen(theme.tangent, width=style.LINE_WIDTH, style=Qt.PenStyle.DashLine)
            )
            point.setPen(pg.mkPen(theme.edge, width=2))
            point.setBrush(pg.mkBrush(theme.ball))
        self._redraw()

    def _spin(self, name: str, value: float, low: float, high: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setValue(value)
        spin.valueChanged.connect(self._on_input)
        return spin

    def _slice(
        self, name: str, axis: str, colour: str
    ) -> tuple[pg.PlotWidget, pg.PlotCurveItem, pg.PlotCurveItem, pg.ScatterPlotItem, QLabel]:
        plot = style.make_plot(name, axis, "z")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.getPlotItem().hideButtons()
        plot.getPlotItem().showGrid(x=True, y=True, alpha=0.15)
        curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=style.LINE_WIDTH))
        tangent = pg.PlotCurveItem(
            pen=pg.mkPen(style.TANGENT, width=style.LINE_WIDTH, style=Qt.PenStyle.DashLine)
        )
        point = pg.ScatterPlotItem(
            size=style.MARKER_SIZE, pen=pg.mkPen("#202020", width=2), brush=pg.mkBrush(style.BALL)
        )
        for item in (curve, tangent, point):
            plot.addItem(item)
        caption = QLabel()
        caption.setObjectName(name.replace("Plot", "Caption"))
        caption.setWordWrap(True)
        caption.setTextFormat(Qt.TextFormat.RichText)
        return plot, curve, tangent, point, caption

    # -- public -----------------------------------------------------------------------

    def set_surface(self, kind: str) -> None:
        """Show the plane or the curved surface.

        Parameters
        ----------
        kind : {"plane", "curved"}
            Which surface.

        Raises
        ------
        ValueError
            For another kind.
        """
        if kind not in SURFACES:
            raise ValueError(f"surface must be one of {', '.join(SURFACES)}, not {kind!r}")
        self._kind = kind
        with QSignalBlocker(self.surface_input):
            self.surface_input.setCurrentIndex(self.surface_input.findData(kind))
        self._redraw()

    def set_point(self, x0: float, y0: float) -> None:
        """Move the point (x0, y0) (clamped to [-5, 5]).

        Parameters
        ----------
        x0, y0 : float
            The point.
        """
        for spin, value in zip(self.point_inputs, (x0, y0), strict=True):
            with QSignalBlocker(spin):
                spin.setValue(float(value))
        self._read_inputs()

    def set_plane(self, a: float, b: float, c: float) -> None:
        """Set the plane z = c + a·x + b·y (clamped to [-20, 20]; one decimal).

        Parameters
        ----------
        a, b, c : float
            The slope along x, the slope along y and the height at the origin.
        """
        for spin, value in zip(self.plane_inputs, (a, b, c), strict=True):
            with QSignalBlocker(spin):
                spin.setValue(float(value))
        self._read_inputs()

    @property
    def slope_x(self) -> float:
        """float: ∂z/∂x at the point."""
        return self._slopes[0]

    @property
    def slope_y(self) -> float:
        """float: ∂z/∂y at the point."""
        return self._slopes[1]

    def z(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the surface's height.

        Parameters
        ----------
        x, y : ndarray
            Where (broadcast together).

        Returns
        -------
        ndarray
            z(x, y).
        """
        if self._kind == "plane":
            a, b, c = self._plane
            return c + a * x + b * y
        return x * x + x * y + y * y / 2

    def _gradient(self, x0: float, y0: float) -> tuple[float, float]:
        if self._kind == "plane":
            return self._plane[0], self._plane[1]
        return 2 * x0 + y0, x0 + y0

    # -- input and drawing ------------------------------------------------------------

    def _on_surface(self, index: int) -> None:
        self.set_surface(self.surface_input.itemData(index))

    def _on_input(self, _value: float) -> None:
        self._read_inputs()

    def _read_inputs(self) -> None:
        a, b, c = (spin.value() for spin in self.plane_inputs)
        self._plane = (a, b, c)
        self._point = (self.point_inputs[0].value(), self.point_inputs[1].value())
        self._redraw()

    def _redraw(self) -> None:
        x0, y0 = self._point
        plane = self._kind == "plane"
        for spin in self.plane_inputs:
            spin.setEnabled(plane)
        if plane:
            a, b, c = (slope_text(v) for v in self._plane)
            self.formula.setText(f"z = {c} + {a}·x + {b}·y")
        else:
            self.formula.setText("z = x² + x·y + y²/2")
        z0 = float(self.z(np.array(x0), np.array(y0)))
        self._slopes = self._gradient(x0, y0)
        offsets = np.linspace(-HALF_WIDTH, HALF_WIDTH, CURVE_POINTS)
        along_x = self.z(x0 + offsets, np.full_like(offsets, y0))
        along_y = self.z(np.full_like(offsets, x0), y0 + offsets)
        for (plot, curve, tangent, point), at, values, slope in (
            ((self.slice_x_plot, self.slice_x, self.tangent_x, self.point_x), x0, along_x, 0),
            ((self.slice_y_plot, self.slice_y, self.tangent_y, self.point_y), y0, along_y, 1),
        ):
            m = self._slopes[slope]
            curve.setData(at + offsets, values)
            point.setData([at], [z0])
            ends = np.array([at - TANGENT_REACH, at + TANGENT_REACH])
            tangent.setData(ends, z0 + m * (ends - at))
            plot.setXRange(at - HALF_WIDTH, at + HALF_WIDTH, padding=0.02)
            low, high = float(values.min()), float(values.max())
            if high - low < 1e-9:
                low, high = low - 1.0, high + 1.0
            plot.setYRange(low, high, padding=0.1)
        sx, sy = (slope_text(v) for v in self._slopes)
        tangent = style.current_theme().tangent_text
        near = "" if plane else "near the point, "  # a curved slice's slope is local
        self.slice_x_plot.setTitle(f"along x, y held at {slope_text(y0)}", **style.text_style())
        self.slice_y_plot.setTitle(f"along y, x held at {slope_text(x0)}", **style.text_style())
        self.caption_x.setText(
            f'<span style="font-size:17pt; color:{tangent}"><b>∂z/∂x = {sx}</b></span>'
            f"<br>{near}z changes by {sx} per unit step in x, y held at {slope_text(y0)}"
        )
        self.caption_y.setText(
            f'<span style="font-size:17pt; color:{tangent}"><b>∂z/∂y = {sy}</b></span>'
            f"<br>{near}z changes by {sy} per unit step in y, x held at {slope_text(x0)}"
        )
