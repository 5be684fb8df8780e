"""Standardising x in the window: a round bowl, results in the data's own units."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel

from gd_explorer.engine import descend, reference_fit
from gd_explorer.engine.scaling import standardise
from gd_explorer.lessons import get_lesson
from tests.ui.test_main_window import child, readout, run_to_end

LEAST_SQUARES = (0.8448275862068966, 2.6034482758620685)


def test_the_scaling_lesson_lands_on_least_squares_shown_in_the_data_units(qtbot, window):
    window.load_lesson("feature-scaling")
    assert child(window, QCheckBox, "scalingInput").isChecked()
    run_to_end(qtbot, window)
    lesson = get_lesson("feature-scaling")
    scaling = standardise(lesson.problem.data)
    expected = descend(scaling.problem(lesson.problem), lesson.config)
    run = window.trajectory
    assert run.params[-1] == pytest.approx(expected.params[-1], abs=1e-12)
    # The runs move on standardised x; the line and the read-out are in the data's units.
    slope, intercept = scaling.to_original(run.params[1])
    assert (slope, intercept) == pytest.approx(LEAST_SQUARES, abs=1e-9)
    assert float(readout(window, "slope")) == pytest.approx(LEAST_SQUARES[0], abs=1e-5)
    assert float(readout(window, "intercept")) == pytest.approx(LEAST_SQUARES[1], abs=1e-5)
    line = window.data_view.line_item.getData()
    x, y = line[0], line[1]
    assert y[-1] - y[0] == pytest.approx(LEAST_SQUARES[0] * (x[-1] - x[0]), rel=1e-6)


def test_the_comparison_shows_the_valley_and_the_bowl_side_by_side(qtbot, window):
    report = child(window, QLabel, "scalingReport")
    assert not report.isVisibleTo(window)  # worked out only while x is standardised
    child(window, QCheckBox, "scalingInput").click()
    assert report.isVisibleTo(window)
    text = report.text()
    assert "condition 202.4" in text and "Standardised: condition 1," in text
    assert "1 step at 1." in text
    # It follows the data: one more point far out changes the valley.
    window.explorer.edit("Add point", lambda d: d.with_point(40.0, 30.0))
    assert report.text() != text


def test_scaling_and_a_held_intercept_are_refused_together(qtbot, window):
    window.load_lesson("slope-small-steps")  # holds the intercept
    before = window.settings
    window.explorer.set_settings(before.replace(scaling=True), from_panel=False)
    assert window.settings == before  # nothing changed
    assert "cannot be held while x is standardised" in window.statusBar().currentMessage()


def test_the_optimum_is_the_same_line_with_and_without_scaling(window):
    window.explorer.set_settings(window.settings.replace(scaling=True), from_panel=False)
    fit = reference_fit(window.problem)
    scaling = standardise(window.dataset)
    assert scaling.to_original(fit.theta) == pytest.approx(LEAST_SQUARES, abs=1e-9)


def test_an_edit_works_out_no_comparison_while_scaling_is_off(window, monkeypatch):
    from gd_explorer.ui import controller

    calls = []
    monkeypatch.setattr(controller, "compare_scaling", lambda *a, **k: calls.append(a))
    window.explorer.edit("Add point", lambda d: d.with_point(2.5, 6.0))
    assert calls == []
