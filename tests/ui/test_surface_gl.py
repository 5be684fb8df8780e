"""The 3-D cost surface, rendered for real (needs OpenGL: runs under Xvfb)."""

import numpy as np
import pyqtgraph.opengl as gl
import pytest
from pyqtgraph.functions import ndarray_from_qimage
from PySide6.QtGui import QImage

from gd_explorer.engine import Dataset, LinearRegression, reference_fit
from gd_explorer.ui import MainWindow

pytestmark = pytest.mark.gl


def _shown_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    view = window.findChild(gl.GLViewWidget, "surfaceView")
    assert view is not None, "no GL surface view: OpenGL was not available"
    return window, view


def _render(view):
    image = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGBA8888)
    assert image.width() > 100 and image.height() > 100
    return ndarray_from_qimage(image)[..., :3].astype(int)


def _assert_surface_drawn(pixels):
    distinct = len(np.unique(pixels.reshape(-1, 3), axis=0))
    assert distinct > 500, f"only {distinct} colours: the view looks blank"
    # The colour map is saturated; background, frame and labels are grey.
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    coloured = float(np.mean(saturation > 40))
    assert coloured > 0.08, f"the surface covers only {coloured:.1%} of the view"
    # Nothing drawn outside the frame: the border of the view is background.
    border = np.concatenate([pixels[:3].reshape(-1, 3), pixels[-3:].reshape(-1, 3)])
    assert (border.min(axis=0) > 230).all(), "the surface runs off the top or bottom"


def _surface_items(view):
    found, stack = [], list(view.items)
    while stack:
        item = stack.pop()
        if isinstance(item, gl.GLSurfacePlotItem):
            found.append(item)
        stack.extend(item.childItems())
    return found


def test_surface_renders(qtbot):
    _, view = _shown_window(qtbot)
    _assert_surface_drawn(_render(view))


def test_a_second_window_renders_too(qtbot):
    # Without shared GL contexts pyqtgraph's cached shaders leave later views blank.
    _, first = _shown_window(qtbot)
    _assert_surface_drawn(_render(first))
    _, second = _shown_window(qtbot)
    _assert_surface_drawn(_render(second))


def test_surface_is_the_engine_cost_framing_the_optimum(qtbot):
    window, view = _shown_window(qtbot)
    (m_best, b_best) = reference_fit(window.problem).theta
    assert view.m_values[0] < m_best < view.m_values[-1]
    assert view.b_values[0] < b_best < view.b_values[-1]
    # the usual starting point of a run is in view as well
    assert view.m_values[0] < 0 < view.m_values[-1] and view.b_values[0] < 0 < view.b_values[-1]
    i, j = 7, 41
    expected = window.problem.cost((view.m_values[i], view.b_values[j]))
    assert view.cost[i, j] == pytest.approx(expected)

    (surface,) = _surface_items(view)
    vertexes = surface.opts["meshdata"].vertexes()
    np.testing.assert_allclose(vertexes[:, 2], view.cost.ravel(), rtol=1e-6)
    i_min, j_min = np.unravel_index(np.argmin(view.cost), view.cost.shape)
    step_m, step_b = np.diff(view.m_values[:2])[0], np.diff(view.b_values[:2])[0]
    assert abs(view.m_values[i_min] - m_best) <= step_m
    assert abs(view.b_values[j_min] - b_best) <= step_b


def test_new_data_reshapes_the_same_surface_item(qtbot):
    window, view = _shown_window(qtbot)
    (surface,) = _surface_items(view)
    before = view.cost.copy()
    window.set_problem(LinearRegression(Dataset([0, 1, 2, 3], [10, 7, 4, 1])))
    assert _surface_items(view) == [surface]
    assert not np.allclose(view.cost, before)
    assert view.m_values[0] < -3 < view.m_values[-1]
    assert view.b_values[0] < 10 < view.b_values[-1]
    _assert_surface_drawn(_render(view))


def _red_pixels(pixels):
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.sum((r > 170) & (g < 70) & (b < 70)))


def test_path_and_ball_follow_set_path(qtbot):
    window, view = _shown_window(qtbot)
    red_without_path = _red_pixels(_render(view))
    params = np.array([[0.0, 0.0], [1.2, 0.3], [0.6, 1.0], [0.85, 2.6]])
    cost = np.array([window.problem.cost(theta) for theta in params])
    view.set_path(params, cost)
    assert _red_pixels(_render(view)) > red_without_path + 200, "no red path or ball drawn"
    view.set_path(np.empty((0, 2)), np.empty(0))
    assert _red_pixels(_render(view)) == red_without_path
