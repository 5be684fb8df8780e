"""Cost per row on the data plot: squares on the errors or log-loss bars; J is their mean."""

from __future__ import annotations

import numpy as np
import pytest

from gd_explorer.engine import Dataset
from gd_explorer.engine.scaling import standardise
from gd_explorer.state import ExplorerState
from tests.ui.test_main_window import action, run_to_end

X = np.array([1.0, 3, 4, 5, 6, 7, 8, 10])
Y = np.array([4.0, 3, 7, 7, 8, 10, 8, 11])
CLASSES = np.array([0.0, 0, 0, 1, 1, 1, 1, 1])
STEPS = 40


def finished(qtbot, window, **settings):
    window.explorer.set_settings(
        window.settings.replace(speed=0.0, steps=STEPS, **settings), from_panel=False
    )
    run_to_end(qtbot, window)
    return window.trajectory


def title(window):
    return window.data_view.plot.getPlotItem().titleLabel.text


def assert_squares_at(window, m, b, cost):
    rows = window.data_view.row_costs
    residual = Y - (m * X + b)
    left, bottom, width, height = rows.rects.T
    assert width == pytest.approx(np.abs(residual), rel=1e-12, abs=1e-15)
    assert height == pytest.approx(np.abs(residual), rel=1e-12, abs=1e-15)
    # Each square stands on its error: one side is the segment from the point to the line.
    assert bottom == pytest.approx(np.minimum(Y, m * X + b), rel=1e-12)
    on_the_error = np.isclose(left, X) | np.isclose(left + width, X)
    assert on_the_error.all()
    assert np.mean(width * height) / 2 == pytest.approx(cost, rel=1e-12)
    assert rows.squares_item.isVisible() and not rows.bars_item.isVisible()
    assert rows.squares_item.path().elementCount() == 5 * len(X)  # a closed rectangle each
    assert f"{cost:.4g}" in title(window) and "J = " in title(window)


def test_the_toggle_is_in_the_view_menu_and_off_by_default(qtbot, window):
    toggle = action(window, "actionCostPerRow")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert toggle in view_menu.actions()
    assert toggle.isCheckable() and not toggle.isChecked()
    finished(qtbot, window)
    rows = window.data_view.row_costs
    assert not rows.squares_item.isVisible() and len(rows.rects) == 0
    assert "J = " not in title(window)


def test_squares_have_the_errors_as_sides_and_half_their_mean_area_is_the_cost(qtbot, window):
    run = finished(qtbot, window)
    action(window, "actionCostPerRow").setChecked(True)
    assert_squares_at(window, *run.params[-1], run.cost[-1])
    # Replay: the squares of the step shown.
    for step in (0, 3, 17):
        window.show_step(step)
        assert_squares_at(window, *run.params[step], run.cost[step])


def test_toggling_off_hides_them_and_the_words(qtbot, window):
    finished(qtbot, window)
    toggle = action(window, "actionCostPerRow")
    toggle.setChecked(True)
    assert window.data_view.row_costs.squares_item.isVisible()
    toggle.setChecked(False)
    rows = window.data_view.row_costs
    assert not rows.squares_item.isVisible() and not rows.bars_item.isVisible()
    assert len(rows.rects) == 0 and "J = " not in title(window)
    window.show_step(5)
    assert not rows.squares_item.isVisible()


def test_squares_follow_a_live_run(qtbot, window):
    action(window, "actionCostPerRow").setChecked(True)
    window.explorer.set_settings(
        window.settings.replace(speed=30.0, steps=100_000), from_panel=False
    )
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.controller.record is not None)
    record = window.controller.record
    qtbot.waitUntil(lambda: record.steps >= 3, timeout=10_000)
    qtbot.waitUntil(lambda: not window.readout.values["step"].text().startswith("0 "))
    window.action_run.trigger()  # pause: the views stay on the newest step drawn
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    # No frame is drawn between reading the step shown and checking it.
    shown = int(window.readout.values["step"].text().split()[0].replace(",", ""))
    assert shown >= 1  # a step of the live run, not the start
    params, cost = record.view()
    assert_squares_at(window, *params[shown], cost[shown])


def test_standardised_x_draws_the_squares_of_the_same_line_in_the_datas_units(qtbot, window):
    run = finished(qtbot, window, scaling=True)
    action(window, "actionCostPerRow").setChecked(True)
    scaling = standardise(window.dataset)
    window.show_step(9)
    m, b = scaling.to_original(run.params[9])
    assert_squares_at(window, m, b, run.cost[9])


def test_logistic_bars_are_each_rows_log_loss_and_their_mean_is_the_cost(qtbot, window):
    window.explorer.restore(
        ExplorerState(Dataset(X, CLASSES), (window.settings.replace(model="logistic"),))
    )
    run = finished(qtbot, window, learning_rate=0.5)
    action(window, "actionCostPerRow").setChecked(True)
    for step in (STEPS, 6):
        window.show_step(step)
        m, b = run.params[step]
        p = 1.0 / (1.0 + np.exp(-(m * X + b)))
        loss = -(CLASSES * np.log(p) + (1 - CLASSES) * np.log(1 - p))
        rows = window.data_view.row_costs
        assert rows.bars_item.isVisible() and not rows.squares_item.isVisible()
        x, start, end = rows.bars.T
        assert x == pytest.approx(X) and start == pytest.approx(CLASSES)
        assert np.abs(end - start) == pytest.approx(loss, rel=1e-9)
        # From each point towards the other class.
        assert np.all(np.sign(end - start) == np.where(CLASSES == 1, -1, 1))
        assert np.mean(np.abs(end - start)) == pytest.approx(run.cost[step], rel=1e-9)
        drawn_x, drawn_y = rows.bars_item.getData()
        assert drawn_y[1::2] - drawn_y[0::2] == pytest.approx(end - start, rel=1e-9)
        assert f"{run.cost[step]:.4g}" in title(window) and "J = " in title(window)


def test_the_squares_bars_and_arrows_export_as_svg(qtbot, window, tmp_path):
    from gd_explorer.ui import style
    from gd_explorer.ui.export import export_view_svg
    from gd_explorer.ui.views.spread import STEP_COLOUR

    finished(qtbot, window, variant="minibatch", batch_size=3)
    action(window, "actionCostPerRow").setChecked(True)
    window.show_step(10)
    data = export_view_svg(window.data_view.plot, tmp_path / "data.svg").read_text()
    contour = export_view_svg(window.contour, tmp_path / "contour.svg").read_text()
    assert "<svg" in data and "<svg" in contour
    assert "J = " in data  # the title line with the cost
    trail = style.current_theme().trail.lower()
    assert trail in data.lower()  # the squares
    assert STEP_COLOUR.lower() in contour.lower()  # the step's arrow
