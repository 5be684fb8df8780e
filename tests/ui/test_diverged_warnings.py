"""A diverged run's flight (slopes to 1e51, costs to 1e104) drawn in every view, the 3-D
one included: not one RuntimeWarning (numpy's "overflow encountered in cast" came from
the float32 arrays that OpenGL and pyqtgraph items are given)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QSlider, QWidget

from gd_explorer.settings import SPEEDS
from gd_explorer.ui.surface_view import SurfaceView

pytestmark = pytest.mark.gl


def runtime_warnings(caught):
    return [
        f"{w.filename}:{w.lineno}: {w.message}" for w in caught if w.category is RuntimeWarning
    ]


def test_drawing_a_diverged_run_in_every_view_warns_nothing(qtbot, make_window):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        window = make_window()
        surface = window.findChild(QWidget, "surfaceView")
        assert isinstance(surface, SurfaceView), "no GL surface view: OpenGL was not available"
        window.findChild(QCheckBox, "holdInterceptInput").setChecked(True)
        window.findChild(QDoubleSpinBox, "learningRateInput").setValue(1.0)
        window.findChild(QSlider, "speedInput").setValue(SPEEDS.index(0))
        window.action_run.trigger()
        qtbot.waitUntil(lambda: window.trajectory.status == "diverged", timeout=30_000)
        qtbot.waitUntil(lambda: window.replay_slider.maximum() == window.trajectory.steps)
        trajectory = window.trajectory
        assert abs(trajectory.params[-1, 0]) > 1e40 and trajectory.cost[-1] > 1e90
        for step in range(trajectory.steps + 1):  # the flight, step by step, in every view
            window.show_step(step)
            for view in (window.data_view, window.cost_curve, window.contour, window.history):
                view.grab()
            surface.grabFramebuffer()
        window.grab()
    found = runtime_warnings(caught)
    assert not found, f"{len(found)} RuntimeWarnings:\n" + "\n".join(sorted(set(found)))
    # Still drawn: the ball of the last step is on the surface, in the box.
    x, y = window.cost_curve.ball.getData()
    assert np.isfinite(x).all() and np.isfinite(y).all()
