"""The cost maps always frame the path: separable classes send the slope off for ever."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSlider, QSpinBox, QWidget

from gd_explorer.engine.dataset import ARTICLE_CLASSES
from gd_explorer.settings import SPEEDS
from gd_explorer.ui.surface_view import SurfaceView

pytestmark = pytest.mark.gl

RUN_TIMEOUT = 60_000


def _inside(domain, params):
    m, b = params[:, 0], params[:, 1]
    return bool(
        np.all((domain.m_min <= m) & (m <= domain.m_max))
        and np.all((domain.b_min <= b) & (b <= domain.b_max))
    )


@pytest.mark.parametrize("steps_per_second", [0.0, 200.0])
def test_logistic_on_separable_classes_stays_on_both_maps(qtbot, window, steps_per_second):
    model = window.findChild(QComboBox, "modelInput")
    model.setCurrentIndex(model.findData("logistic"))
    assert window.dataset.y.tolist() == list(map(float, ARTICLE_CLASSES))
    window.findChild(QDoubleSpinBox, "learningRateInput").setValue(1.0)
    window.findChild(QSpinBox, "stepsInput").setValue(2000)
    window.findChild(QSlider, "speedInput").setValue(SPEEDS.index(steps_per_second))
    surface = window.findChild(QWidget, "surfaceView")
    assert isinstance(surface, SurfaceView), "no GL surface view: OpenGL was not available"
    contour = window.contour
    before = contour.domain
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: window.replay_slider.maximum() == window.trajectory.steps)
    params = window.trajectory.params
    assert len(params) == 2001 and params[-1, 0] > before.m_max  # it left the first map
    assert _inside(contour.domain, params), (contour.domain, params[-1])
    assert _inside(surface.canvas.domain, params), (surface.canvas.domain, params[-1])
    # The colour map and the surface were computed over the new window.
    assert contour.m_values[-1] >= params[:, 0].max()
    assert surface.canvas.m_values[-1] >= params[:, 0].max()


def test_follow_path_widens_with_room_and_only_when_needed():
    from gd_explorer.framing import Domain, follow_path

    domain = Domain(-1.0, 1.0, -2.0, 2.0)
    assert follow_path(domain, np.array([[0.5, 1.0], [-0.9, -1.9]])) is None
    wider = follow_path(domain, np.array([[0.0, 0.0], [3.0, -1.0]]))
    assert wider is not None and wider.m_max > 3.0 and wider.m_min == -1.0
    assert (wider.b_min, wider.b_max) == (-2.0, 2.0)
    assert follow_path(wider, np.array([[3.0, 0.0]])) is None  # the room holds it
