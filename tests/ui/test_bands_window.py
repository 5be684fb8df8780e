"""The learning-rate bands under the slider: from the data, moving with it, local for logistic."""

from __future__ import annotations

import pytest

from gd_explorer.engine import stability
from tests.ui.test_main_window import run_to_end


def bands(window):
    with_signal = []
    window.explorer.bandsChanged.connect(lambda *a: with_signal.append(a))
    window.explorer._show_bands(window.explorer.analysis)
    return with_signal[-1]


def test_slope_only_bands_are_one_and_two_over_l(window):
    window.load_lesson("overshoot")
    one, two, local = bands(window)
    assert (one, two, local) == (pytest.approx(1 / 37.5), pytest.approx(2 / 37.5), False)
    assert "(1/\u2060L)" in window.controls.band_caption.text()  # a word joiner: no break
    assert "0.0267" in window.controls.band_caption.text()


def test_bands_move_when_a_point_is_added(window):
    before = bands(window)
    window.explorer.edit("Add point", lambda d: d.with_point(20.0, 15.0))
    after = bands(window)
    assert after[1] < before[1]  # a point far out curves the cost more: a lower limit
    assert after[1] == pytest.approx(stability(window.problem).max_stable_lr)


def test_logistic_bands_are_local_to_the_ball(qtbot, window):
    window.load_lesson("logistic-slope")
    at_start = bands(window)
    assert at_start[2] is True
    assert window.controls.band_caption.text().startswith("Local")
    run = run_to_end(qtbot, window)
    at_end = bands(window)
    config = window.settings.config()
    expected = stability(window.problem, tuple(run.params[-1]), config.fixed).max_stable_lr
    assert at_end[1] == pytest.approx(expected)
    assert at_end[1] != pytest.approx(at_start[1])
