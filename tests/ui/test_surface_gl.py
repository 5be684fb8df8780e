"""The 3-D cost surface in the window, rendered for real (needs OpenGL: runs under Xvfb)."""

import numpy as np
import pyqtgraph.opengl as gl
import pytest
from pyqtgraph.functions import ndarray_from_qimage
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSlider, QSpinBox, QWidget

from gd_explorer.engine import Dataset, cost_grid, reference_fit
from gd_explorer.settings import SPEEDS
from gd_explorer.ui.surface_view import BOX_HALF, BOX_HEIGHT, SurfaceView

pytestmark = pytest.mark.gl


def _surface_view(window):
    view = window.findChild(QWidget, "surfaceView")
    assert isinstance(view, SurfaceView), "no GL surface view: OpenGL was not available"
    return view


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


def _surface_items(canvas):
    found, stack = [], list(canvas.items)
    while stack:
        item = stack.pop()
        if isinstance(item, gl.GLSurfacePlotItem):
            found.append(item)
        stack.extend(item.childItems())
    return found


def _red_pixels(pixels):
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.sum((r > 170) & (g < 70) & (b < 70)))


def test_surface_renders(window):
    _assert_surface_drawn(_render(_surface_view(window)))


def test_a_second_window_renders_too(make_window):
    # Without shared GL contexts pyqtgraph's cached shaders leave later views blank.
    first = _surface_view(make_window())
    _assert_surface_drawn(_render(first))
    second = _surface_view(make_window())
    assert second is not first
    _assert_surface_drawn(_render(second))
    _assert_surface_drawn(_render(first))


def test_surface_is_the_engine_cost_framing_the_optimum_and_the_start(window):
    canvas = _surface_view(window).canvas
    m, b = canvas.m_values, canvas.b_values
    np.testing.assert_array_equal(canvas.cost, cost_grid(window.problem, m, b))
    (m_best, b_best) = reference_fit(window.problem).theta
    assert m[0] < m_best < m[-1] and b[0] < b_best < b[-1]
    assert m[0] < 0 < m[-1] and b[0] < 0 < b[-1]  # the start (0, 0) is in view

    (surface,) = _surface_items(canvas)
    vertexes = surface.opts["meshdata"].vertexes()
    # The cost fills the box's height: the lowest at its floor, the highest at its top.
    cost = canvas.cost.ravel()
    in_box = (cost - cost.min()) / (cost.max() - cost.min()) * BOX_HEIGHT
    np.testing.assert_allclose(vertexes[:, 2], in_box, rtol=1e-5, atol=1e-5)
    assert vertexes[:, :2].min() == -BOX_HALF and vertexes[:, :2].max() == BOX_HALF
    i_min, j_min = np.unravel_index(np.argmin(canvas.cost), canvas.cost.shape)
    assert abs(m[i_min] - m_best) <= m[1] - m[0]
    assert abs(b[j_min] - b_best) <= b[1] - b[0]


def test_opened_data_reshapes_the_same_surface_item(window, tmp_path):
    view = _surface_view(window)
    canvas = view.canvas
    (surface,) = _surface_items(canvas)
    before = canvas.cost.copy()
    path = tmp_path / "falling.csv"
    Dataset([0, 1, 2, 3], [10, 7, 4, 1]).to_csv(path)
    assert window.open_dataset(path)
    assert _surface_items(canvas) == [surface]
    assert canvas.cost.shape == before.shape and not np.allclose(canvas.cost, before)
    np.testing.assert_array_equal(
        canvas.cost, cost_grid(window.problem, canvas.m_values, canvas.b_values)
    )
    assert canvas.m_values[0] < -3 < canvas.m_values[-1]
    assert canvas.b_values[0] < 10 < canvas.b_values[-1]
    _assert_surface_drawn(_render(view))
    window.action_undo.trigger()
    np.testing.assert_array_equal(canvas.cost, before)


def test_ball_at_the_start_then_the_path_of_a_run(qtbot, window):
    view = _surface_view(window)
    ball_only = _red_pixels(_render(view))
    assert ball_only > 30, "no ball at the start before any run"
    window.findChild(QSpinBox, "stepsInput").setValue(300)
    window.findChild(QSlider, "speedInput").setValue(SPEEDS.index(0))
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=20_000)
    assert _red_pixels(_render(view)) > ball_only + 200, "no red path drawn"
    window.action_reset.trigger()
    assert _red_pixels(_render(view)) == ball_only
