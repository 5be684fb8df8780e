"""The views on absurd numbers: a diverged run's slopes of 1e17…1e300, ranges of zero
width, values near ±1e308, nan and inf. Nothing may raise, warn or take the process down."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from gd_explorer.framing import frame_interval
from gd_explorer.ui.views.cost_curve import tangent_ends
from tests.ui.test_main_window import action, child

ARTICLE_X = [1, 3, 4, 5, 6, 7, 8, 10]


def test_switching_to_logistic_after_a_diverged_stochastic_run(qtbot, make_window):
    # By hand: learning rate 1, → twelve times, Descent: Stochastic, Model: Logistic.
    # The slope passes 1e17, the cost curve's range has zero width in floating point
    # and the model switch (an undo command) drew the tangent through a division by 0.
    window = make_window()
    child(window, QDoubleSpinBox, "learningRateInput").setValue(1.0)
    step = action(window, "actionStep")
    for k in range(1, 13):
        step.trigger()
        qtbot.waitUntil(lambda k=k: window.trajectory.steps >= k, timeout=10_000)
    qtbot.waitUntil(lambda: abs(window.cost_curve.ball.getData()[0][0]) > 1e17, timeout=10_000)
    assert abs(window.trajectory.params[-1, 0]) > 1e17
    variant = child(window, QComboBox, "variantInput")
    variant.setCurrentIndex(variant.findData("stochastic"))
    # The new run starts paused where the ball is; its first frame puts the ball there.
    qtbot.waitUntil(lambda: len(window.trajectory.params) >= 1, timeout=10_000)
    model = child(window, QComboBox, "modelInput")
    model.setCurrentIndex(model.findData("logistic"))
    assert window.settings.model == "logistic"
    assert window.problem.kind == "logistic"
    tangent_x, tangent_y = window.cost_curve.tangent.getData()
    assert np.all(np.isfinite(tangent_x)) and np.all(np.isfinite(tangent_y))


def test_an_error_while_an_undo_command_draws_is_reported_not_fatal(qtbot, window, monkeypatch):
    # An exception leaving QUndoCommand.redo (a C++ virtual) during a model switch took
    # the process down with a segmentation fault while the binding reported it.
    def broken(*args, **kwargs):
        return 1.0 / 0.0  # as the tangent of a zero-width curve did

    before = window.dataset
    monkeypatch.setattr(window.cost_curve, "set_problem", broken)
    model = child(window, QComboBox, "modelInput")
    with qtbot.capture_exceptions() as caught:
        model.setCurrentIndex(model.findData("logistic"))
    assert [kind for kind, _, _ in caught] == [ZeroDivisionError]
    assert window.settings.model == "logistic"  # the switch itself was made
    monkeypatch.undo()
    with qtbot.capture_exceptions() as caught:
        window.action_undo.trigger()
    assert caught == []
    assert window.settings.model == "linear"
    assert window.dataset == before


@pytest.mark.parametrize("centred", [False, True])
@pytest.mark.parametrize("value", [8.75e18, -2.3e17, 1e300, -1.7e308, 1.7976931348623157e308])
def test_a_window_around_a_huge_value_has_a_width_and_distinct_points(value, centred):
    # One point (a path restarted far away), at least 1 wide: 1 is nothing next to 1e18.
    low, high = frame_interval([value], value if centred else None, 1.0)
    assert math.isfinite(low) and math.isfinite(high - low) and low < high
    assert len(np.unique(np.linspace(low, high, 400))) == 400
    # A flight from the optimum at 0 to ±1e308.
    low, high = frame_interval([value], 0.0 if centred else None)
    assert math.isfinite(low) and math.isfinite(high - low) and low < high


@pytest.mark.parametrize(
    ("m", "cost", "slope", "width", "spread"),
    [
        (8.75e18, 1e19, 3e19, 0.0, 1.0),  # a window of zero width
        (1.0, 1.0, 1e300, 1e-300, 1.0),
        (1.0, 1.0, 1e-300, 1e300, 1e-300),
        (1e300, 1e308, -1e308, 1e300, 1e308),
        (1.0, 1.0, math.inf, 1.0, 1.0),
        (1.0, math.nan, 1.0, 1.0, 1.0),
        (1.0, 1.0, 0.0, 1e300, 0.0),
    ],
)
def test_the_tangent_is_finite_or_absent_for_any_numbers(m, cost, slope, width, spread):
    ends = tangent_ends(m, cost, slope, (m - width / 2, m + width / 2), np.array([0.0, spread]))
    if ends is not None:
        xs, ys = ends
        assert all(math.isfinite(v) for v in xs + ys)
        assert xs[0] <= m <= xs[1]
