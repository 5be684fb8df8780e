"""The main window: the data with its fitted line, and the 3-D cost surface."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from gd_explorer.engine import (
    CostModel,
    Dataset,
    LinearRegression,
    Trajectory,
    article_dataset,
    reference_fit,
)
from gd_explorer.lessons import get_lesson
from gd_explorer.ui.surface_view import create_surface_view

# Sizes chosen to stay legible from the back of a room on a projector.
BASE_POINT_SIZE = 13
TITLE_STYLE = {"size": "17pt", "color": "#202020"}
AXIS_LABEL_STYLE = {"font-size": "17pt", "color": "#202020"}
TICK_POINT_SIZE = 13
MARKER_SIZE = 17
POINT_COLOUR = "#1f77b4"
LINE_COLOUR = "#d62728"
LINE_WIDTH = 4


def _data_plot() -> pg.PlotWidget:
    """Return an empty, projector-friendly plot for the data and the fitted line."""
    plot = pg.PlotWidget(background="w")
    plot.setObjectName("dataPlot")
    plot.setAccessibleName("data and fitted line")
    item = plot.getPlotItem()
    tick_font = QFont()
    tick_font.setPointSize(TICK_POINT_SIZE)
    for side, label in (("bottom", "x"), ("left", "y")):
        axis = item.getAxis(side)
        axis.setLabel(label, **AXIS_LABEL_STYLE)
        axis.setTickFont(tick_font)
        axis.setPen(pg.mkPen("#404040", width=1.5))
        axis.setTextPen("#202020")
    item.showGrid(x=True, y=True, alpha=0.25)
    item.addLegend(
        offset=(12, 12),
        labelTextSize="14pt",
        labelTextColor="#202020",
        brush=pg.mkBrush(255, 255, 255, 220),
    )
    return plot


class MainWindow(QMainWindow):
    """The program's window.

    Parameters
    ----------
    use_gl : bool
        False to show a text panel instead of the 3-D cost surface.
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    dataset : Dataset
        The data currently shown.
    trajectory : Trajectory or None
        The descent run so far; None before any run.
    """

    def __init__(self, *, use_gl: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient Descent Explorer")
        font = self.font()
        font.setPointSize(BASE_POINT_SIZE)
        self.setFont(font)

        self.problem: CostModel
        self.trajectory: Trajectory | None = None
        self.data_plot = _data_plot()
        plot_item = self.data_plot.getPlotItem()
        self._points = plot_item.plot(
            name="data",
            pen=None,
            symbol="o",
            symbolSize=MARKER_SIZE,
            symbolBrush=POINT_COLOUR,
            symbolPen=pg.mkPen("w", width=1.5),
        )
        self._fit_line = plot_item.plot(
            name="least-squares line", pen=pg.mkPen(LINE_COLOUR, width=LINE_WIDTH)
        )
        self._fit_line.setZValue(-1)  # points stay on top of the line
        self.surface_view = create_surface_view(use_gl)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.data_plot)
        splitter.addWidget(self.surface_view)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.resize(1280, 760)
        splitter.setSizes([640, 640])

        # Open on the article's example, the one every learner has already seen.
        self.set_problem(LinearRegression(article_dataset()))

    @property
    def dataset(self) -> Dataset:
        """Dataset: the data currently shown."""
        return self.problem.data

    def load_lesson(self, lesson_id: str) -> None:
        """Show a classroom lesson's data and cost.

        Parameters
        ----------
        lesson_id : str
            One of the ids in ``gd_explorer.lessons.LESSONS``.
        """
        lesson = get_lesson(lesson_id)
        self.setWindowTitle(f"{lesson.title} — Gradient Descent Explorer")
        self.set_problem(lesson.problem)

    def set_problem(self, problem: CostModel) -> None:
        """Show a new dataset and cost model in every view.

        Parameters
        ----------
        problem : CostModel
            The cost model (and through it the dataset) to show.
        """
        self.problem = problem
        data = problem.data
        self._points.setData(data.x, data.y)
        fit = reference_fit(problem)
        # A straight line is the model only for linear regression; the logistic
        # curve arrives with the full window.
        line = fit.theta if isinstance(problem, LinearRegression) else None
        if line is not None:
            slope, intercept = line
            # Two points make the line; pad them so it spans the whole scatter.
            pad = 0.1 * max(float(np.ptp(data.x)), 1.0)
            xs = np.array([data.x.min() - pad, data.x.max() + pad])
            self._fit_line.setData(xs, slope * xs + intercept)
        else:
            self._fit_line.setData([], [])
        self._list_in_legend(self._fit_line, line is not None)
        title = "Data and least-squares line" if line is not None else "Data"
        self.data_plot.setTitle(title, **TITLE_STYLE)
        self.surface_view.set_problem(problem)

    def _list_in_legend(self, item: pg.PlotDataItem, listed: bool) -> None:
        legend = self.data_plot.getPlotItem().legend
        if not listed:
            legend.removeItem(item)
        elif legend.getLabel(item) is None:
            legend.addItem(item, item.name())
