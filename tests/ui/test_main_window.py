"""The main window without OpenGL: title, data plot, fitted line, fallback panel."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel, QWidget

from gd_explorer.engine import Dataset, LinearRegression
from gd_explorer.ui import MainWindow
from gd_explorer.ui.surface_view import frame_domain

ARTICLE_X = [1, 3, 4, 5, 6, 7, 8, 10]
ARTICLE_Y = [4, 3, 7, 7, 8, 10, 8, 11]
LEAST_SQUARES = (0.8448275862068966, 2.6034482758620685)


@pytest.fixture
def window(qtbot):
    window = MainWindow(use_gl=False)
    qtbot.addWidget(window)
    return window


def _items(window):
    plot = window.findChild(pg.PlotWidget, "dataPlot")
    assert plot is not None
    return {item.name(): item for item in plot.getPlotItem().listDataItems()}


def _line_slope_intercept(line):
    xs, ys = line.getData()
    assert len(xs) == 2
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    return slope, ys[0] - slope * xs[0]


def test_opens_on_the_article_data(window):
    assert window.windowTitle() == "Gradient Descent Explorer"
    np.testing.assert_array_equal(window.dataset.x, ARTICLE_X)
    np.testing.assert_array_equal(window.dataset.y, ARTICLE_Y)
    assert window.trajectory is None


def test_data_plot_shows_the_eight_points(window):
    xs, ys = _items(window)["data"].getData()
    np.testing.assert_array_equal(xs, ARTICLE_X)
    np.testing.assert_array_equal(ys, ARTICLE_Y)


def test_fitted_line_is_the_least_squares_answer(window):
    line = _items(window)["least-squares line"]
    np.testing.assert_allclose(_line_slope_intercept(line), LEAST_SQUARES, rtol=1e-12)
    xs, _ = line.getData()
    assert xs.min() < min(ARTICLE_X) and xs.max() > max(ARTICLE_X)


def test_new_data_moves_the_points_and_the_line(window):
    window.set_problem(LinearRegression(Dataset([0, 1, 2], [1, 3, 5])))
    items = _items(window)
    np.testing.assert_array_equal(items["data"].getData()[1], [1, 3, 5])
    np.testing.assert_allclose(_line_slope_intercept(items["least-squares line"]), (2.0, 1.0))


def test_without_gl_the_surface_is_a_clear_text_panel(window):
    panels = window.findChildren(QWidget, "surfaceView")
    assert len(panels) == 1
    panel = panels[0]
    assert isinstance(panel, QLabel)
    assert "needs OpenGL" in panel.text()
    assert "Everything else" in panel.text()


def test_logistic_lesson_has_no_straight_line_and_linear_brings_it_back(window):
    plot = window.findChild(pg.PlotWidget, "dataPlot")
    legend = plot.getPlotItem().legend
    line = _items(window)["least-squares line"]

    window.load_lesson("logistic-slope")
    assert "Gradient Descent Explorer" in window.windowTitle()
    np.testing.assert_array_equal(_items(window)["data"].getData()[1], [0, 0, 0, 1, 1, 1, 1, 1])
    assert line.getData() == (None, None)
    assert legend.getLabel(line) is None

    window.set_problem(LinearRegression(Dataset(ARTICLE_X, ARTICLE_Y)))
    assert legend.getLabel(line) is not None
    np.testing.assert_allclose(_line_slope_intercept(line), LEAST_SQUARES, rtol=1e-12)


@pytest.mark.parametrize(
    ("x", "y"),
    [([0.0, 1.0, 2.0], [0.0, 0.0, 0.0]), ([5.0, 5.0, 5.0], [1.0, 2.0, 3.0])],
    ids=["flat-at-zero", "all-x-equal"],
)
def test_degenerate_data_still_gets_a_finite_surface_domain(x, y):
    domain = frame_domain(LinearRegression(Dataset(x, y)))
    for low, high in (domain.slope, domain.intercept):
        assert np.isfinite([low, high]).all() and high > low
