"""The learning-rate sweep view alone: points, diverged runs, the two modes, bands, progress."""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QProgressBar, QPushButton

from gd_explorer.ui.views import SweepView

ONE_OVER_L, TWO_OVER_L = 1 / 37.5, 2 / 37.5


@dataclass(frozen=True)
class Sweep:
    """What the engine's sweep result offers (duck-typed by the view)."""

    rates: np.ndarray
    final_cost: np.ndarray
    steps: np.ndarray
    status: tuple
    complete: bool = True


RESULT = Sweep(
    rates=np.array([0.001, 0.01, 0.03, 0.05, 0.1]),
    final_cost=np.array([2.0, 0.7, 0.627, 0.627, 3.5e40]),
    steps=np.array([-1, 800, 210, 900, -1]),
    status=("max_steps", "max_steps", "converged", "converged", "diverged"),
)


@pytest.fixture
def view(qtbot):
    sweep = SweepView()
    qtbot.addWidget(sweep)
    sweep.resize(640, 420)
    with qtbot.waitExposed(sweep):
        sweep.show()
    return sweep


def xy(item):
    x, y = item.getData()
    return list(x), list(y)


def view_range(view):
    return view.plot.getPlotItem().vb.viewRange()


def test_an_empty_state_says_what_to_do(view):
    assert view.objectName() == "learningRateSweep"
    empty = view.findChild(QLabel, "sweepEmpty")
    assert empty.isVisible() and "Press Sweep" in empty.text()
    assert not view.plot.isVisible()
    assert not view.findChild(QProgressBar, "sweepProgress").isVisible()


def test_final_costs_are_drawn_log_log_and_a_diverged_run_distinctly_at_the_top(view):
    view.show_sweep(RESULT, ONE_OVER_L, TWO_OVER_L)
    assert view.plot.isVisible() and not view.findChild(QLabel, "sweepEmpty").isVisible()
    x, y = xy(view.points)
    assert x == pytest.approx(np.log10([0.001, 0.01, 0.03, 0.05]))
    assert y == pytest.approx(np.log10([2.0, 0.7, 0.627, 0.627]))
    dx, dy = xy(view.diverged_points)
    assert dx == pytest.approx([-1.0])  # log10(0.1)
    (left, right), (bottom, top) = view_range(view)
    assert bottom < dy[0] < top  # clipped into the plot, above every finite cost
    assert dy[0] > max(y)
    assert left < min(x) and max(dx) < right
    assert "1 diverged" in view.findChild(QLabel, "sweepNote").text()


def test_steps_to_converge_mode_puts_runs_that_never_got_there_at_the_top(view):
    view.show_sweep(RESULT, ONE_OVER_L, TWO_OVER_L)
    mode = view.findChild(QComboBox, "sweepModeInput")
    mode.setCurrentIndex(mode.findData("steps"))
    x, y = xy(view.points)
    assert x == pytest.approx(np.log10([0.01, 0.03, 0.05]))
    assert y == pytest.approx(np.log10([800, 210, 900]))
    nx, ny = xy(view.never_points)
    assert nx == pytest.approx([-3.0])  # 0.001: slow, not diverged
    assert xy(view.diverged_points)[0] == pytest.approx([-1.0])
    assert ny[0] > max(y)
    assert "steps" in view.plot.getPlotItem().getAxis("left").labelText


def test_the_bands_are_vertical_regions_named_in_words(view):
    view.show_sweep(RESULT, ONE_OVER_L, TWO_OVER_L)
    (left, right), _ = view_range(view)
    smooth, oscillating, diverging = (
        view.regions[n][0] for n in ("smooth", "oscillating", "diverging")
    )
    assert smooth.getRegion() == pytest.approx((left, math.log10(ONE_OVER_L)))
    assert oscillating.getRegion() == pytest.approx(
        (math.log10(ONE_OVER_L), math.log10(TWO_OVER_L))
    )
    assert diverging.getRegion() == pytest.approx((math.log10(TWO_OVER_L), right))
    for name, label in view.region_labels.items():
        assert label.isVisible() and label.toPlainText() == name
    assert all(len(view.regions[n]) == 2 for n in ("oscillating", "diverging"))  # hatched too
    view.show_sweep(RESULT, None, None)
    assert not any(r.isVisible() for layers in view.regions.values() for r in layers)


def test_sweep_progress_and_cancel(qtbot, view):
    sweep = view.findChild(QPushButton, "sweepButton")
    with qtbot.waitSignal(view.sweepRequested):
        qtbot.mouseClick(sweep, Qt.MouseButton.LeftButton)
    view.show_progress(3, 50)
    bar = view.findChild(QProgressBar, "sweepProgress")
    cancel = view.findChild(QPushButton, "sweepCancelButton")
    assert bar.isVisible() and bar.value() == 3 and bar.maximum() == 50
    assert cancel.isVisible() and not sweep.isEnabled()
    with qtbot.waitSignal(view.cancelRequested):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not cancel.isEnabled()  # asked once
    partial = Sweep(
        RESULT.rates[:3], RESULT.final_cost[:3], RESULT.steps[:3], RESULT.status[:3], False
    )
    view.show_sweep(partial, ONE_OVER_L, TWO_OVER_L)
    assert not bar.isVisible() and not cancel.isVisible() and sweep.isEnabled()
    assert view.findChild(QLabel, "sweepNote").text().startswith("Stopped early: 3 of 50 rates")
    view.show_progress(50, 50)
    assert not bar.isVisible()


ABSURD = [
    Sweep(np.array([0.0, -1.0, math.nan, math.inf]), np.ones(4), np.zeros(4), ("max_steps",) * 4),
    Sweep(np.array([1e-300, 1e300]), np.array([1e-300, 1e300]), np.array([0, 10**9]), ("x", "y")),
    Sweep(
        np.array([0.1, 0.2, 0.3, 0.4]),
        np.array([0.0, math.nan, math.inf, -1.0]),
        np.array([-1, -1, 0, -1]),
        ("converged", "max_steps", "max_steps", "diverged"),
    ),
    Sweep(np.array([0.1]), np.array([]), np.array([]), ()),  # short arrays
    Sweep(np.array([]), np.array([]), np.array([]), ()),
    None,
]


@pytest.mark.parametrize("result", ABSURD)
@pytest.mark.parametrize(
    "bands", [(0.0, 0.0), (math.inf, math.inf), (1e-300, 1e300), (math.nan, 1.0)]
)
def test_absurd_values_never_warn_or_crash(view, result, bands):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for mode in ("cost", "steps"):
            view.set_mode(mode)
            view.show_sweep(result, *bands)
            view.plot.repaint()
            QApplication.processEvents()
    (left, right), (bottom, top) = view_range(view)
    assert all(math.isfinite(v) for v in (left, right, bottom, top))


def test_a_theme_recolours_the_plot_and_its_marks(view):
    from gd_explorer.ui import style

    view.show_sweep(RESULT, ONE_OVER_L, TWO_OVER_L)
    try:
        theme = style.set_theme("dark-cb")
        view.apply_theme(theme)
        assert view.plot.backgroundBrush().color() == QColor(theme.background)
        assert view.diverged_points.opts["pen"].color() == QColor(theme.error)
        assert view.region_labels["smooth"].color == QColor(theme.foreground)
    finally:
        style.set_theme("light")
