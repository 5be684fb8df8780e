"""A teacher's and an attacker's use of the function problems in the real window.

The window is driven through its widgets and menus: a window closed on a function
opens on it again, and the way back from a function lesson to the data gives the
settings the data had.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QLineEdit, QSpinBox, QTableWidget

from gd_explorer.settings import TYPED
from gd_explorer.ui.runs_panel import COST, NO_VALUE, STATUS
from tests.ui.test_function_controls import (
    choose,
    errors,  # noqa: F401 (a fixture)
    find,
    on_function,
    type_formula,
    type_number,
)

__all__ = ["errors"]


def stored(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def test_a_window_closed_on_a_surface_opens_on_it_again(qtbot, make_window, tmp_path, errors):
    first = make_window(store=stored(tmp_path))
    on_function(qtbot, first, "himmelblau")
    type_number(qtbot, find(first, QDoubleSpinBox, "noiseInput"), "0.5")
    kept = first.settings
    first.close()
    again = make_window(store=stored(tmp_path))
    assert again.problem.kind == "function" and again.problem.name == "himmelblau"
    assert again.settings.noise == 0.5
    assert again.settings.start_slope == kept.start_slope
    assert again.settings.learning_rate == kept.learning_rate
    assert find(again, QDoubleSpinBox, "noiseInput").value() == 0.5
    assert errors == []


def test_a_window_closed_on_a_typed_function_opens_on_it_again(
    qtbot, make_window, tmp_path, errors
):
    first = make_window(store=stored(tmp_path))
    on_function(qtbot, first, "rosenbrock")
    choose(first, "surfaceInput", TYPED)
    field = find(first, QLineEdit, "expressionInput")
    type_formula(qtbot, field, "sin(x)*cos(y) + 0.1*(x**2 + y**2)")
    first.close()
    again = make_window(store=stored(tmp_path))
    assert again.problem.kind == "function"
    assert again.problem.text == "sin(x)*cos(y) + 0.1*(x**2 + y**2)"
    assert errors == []


def test_a_stored_function_that_no_longer_parses_opens_on_the_default_surface(
    qtbot, make_window, tmp_path, errors
):
    store = stored(tmp_path)
    store.setValue("settings", {"model": "function", "surface": TYPED, "expression": "x**"})
    store.sync()
    window = make_window(store=stored(tmp_path))
    assert window.problem.kind == "function" and window.problem.name == "rosenbrock"
    assert errors == []


def test_back_to_linear_after_a_function_lesson_gives_the_datas_settings_back(
    qtbot, make_window, errors
):
    window = make_window()
    type_number(qtbot, find(window, QDoubleSpinBox, "learningRateInput"), "0.003")
    before = window.settings
    window.lesson_from_menu("rosenbrock-valley")
    assert window.problem.name == "rosenbrock" and len(window.runs) == 3
    choose(window, "modelInput", "linear")
    assert window.problem.kind == "linear"
    for run in window.explorer.state.runs:
        assert run.learning_rate == 0.003
        assert (run.start_slope, run.start_intercept) == (
            before.start_slope,
            before.start_intercept,
        )
    assert errors == []


def test_back_to_linear_after_two_function_lessons_still_gives_the_datas_back(
    qtbot, make_window, errors
):
    window = make_window()
    type_number(qtbot, find(window, QDoubleSpinBox, "learningRateInput"), "0.003")
    window.lesson_from_menu("local-minima")
    window.lesson_from_menu("saddle-point")
    choose(window, "modelInput", "linear")
    assert [run.learning_rate for run in window.explorer.state.runs] == [0.003] * len(window.runs)
    assert errors == []


def test_the_hessian_at_the_ball_shows_rounding_noise_as_zero(qtbot, make_window, errors):
    window = make_window()
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    on_function(qtbot, window, "rosenbrock")
    choose(window, "surfaceInput", TYPED)
    type_formula(
        qtbot, find(window, QLineEdit, "expressionInput"), "sin(x)*cos(y) + 0.1*(x**2 + y**2)"
    )
    window.explorer.set_settings(
        window.settings.replace(start_slope=-1.5, start_intercept=2.0, learning_rate=0.01),
        from_panel=False,
    )
    window.actions_by_name["actionRun"].trigger()
    qtbot.waitUntil(
        lambda: (
            window.trajectory.status == "max_steps"
            and window.function_panel._point
            == tuple(float(v) for v in window.trajectory.params[-1])
        ),
        timeout=60_000,
    )
    (fxx, fxy), (_, fyy) = window.function_panel.hessian
    assert 0.0 < abs(fxy) < 1e-12 * max(abs(fxx), abs(fyy))  # float noise off the diagonal
    shown = window.function_panel.hessian_values.text()
    assert "e−" not in shown.split("the Hessian H =")[1]
    assert errors == []


def test_a_run_falling_away_names_f_at_the_step_it_names(qtbot, make_window, errors):
    window = make_window()
    window.lesson_from_menu("saddle-point")
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.actions_by_name["actionRun"].trigger()
    qtbot.waitUntil(
        lambda: (
            not window.explorer.runner.live and all(r.trajectory is not None for r in window.runs)
        ),
        timeout=60_000,
    )
    for run in window.runs[1:]:
        t = run.trajectory
        assert t.status == "diverged" and "unbounded below" in t.message
        # "at step 200" must not stand beside the f of step 250 as if it were step 200's
        stated = f"{t.cost[-1]:.3g}"
        assert stated in t.message
        assert f"by step {t.steps}" in t.message or t.diverged_at == t.steps
    assert errors == []


def test_a_run_from_where_f_is_undefined_shows_no_value_for_f(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    choose(window, "surfaceInput", TYPED)
    type_formula(qtbot, find(window, QLineEdit, "expressionInput"), "log(x) + y**2")
    window.explorer.set_settings(
        window.settings.replace(start_slope=-2.0, start_intercept=1.0, speed=0.0),
        from_panel=False,
    )
    window.actions_by_name["actionRun"].trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status == "diverged",
        timeout=60_000,
    )
    assert "not defined at the start" in window.trajectory.message
    # Not the largest double (1.7977e+308), which reads as a value f has there.
    assert find(window, QLabel, "costReadout").text() == "undefined"
    table = find(window, QTableWidget, "runsTable")
    qtbot.waitUntil(lambda: table.item(0, COST).text() == NO_VALUE)
    # Nor a Hessian, eigenvalues and "a saddle" from formulas where f has no value.
    panel = window.function_panel
    assert "not defined" in panel.hessian_values.text()
    assert "saddle" not in panel.shape.text() and "λ" not in panel.eigenvalues.text()
    # A function has no rows: no step of it is a "batch loss".
    assert "batch loss" not in window.history.getPlotItem().titleLabel.text
    assert errors == []


def test_a_run_blown_away_by_gradient_noise_names_the_noise(qtbot, make_window, errors):
    window = make_window()
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    on_function(qtbot, window, "booth")
    type_number(qtbot, find(window, QDoubleSpinBox, "noiseInput"), "1e9")
    assert window.settings.noise == 1e9
    window.actions_by_name["actionRun"].trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status == "diverged",
        timeout=60_000,
    )
    message = window.trajectory.message
    # The rate is well inside Booth's limit: only the noise can have done it.
    assert "gradient noise" in message and "1e+09" in message
    assert "allows rates below" not in message
    assert "gradient noise" in find(window, QLabel, "divergenceBanner").text()
    assert errors == []


def test_the_read_out_counts_the_steps_set_before_the_run(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "himmelblau")
    type_number(qtbot, find(window, QSpinBox, "stepsInput"), "50")
    assert window.settings.steps == 50
    # It said "0 of 4,000" until the run began, and the run then took 50 steps.
    assert find(window, QLabel, "stepReadout").text() == "0 of 50"
    assert errors == []


def test_a_run_that_stops_on_a_saddle_says_saddle_not_converged(qtbot, make_window, errors):
    window = make_window()
    window.lesson_from_menu("saddle-point")
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.actions_by_name["actionRun"].trigger()
    qtbot.waitUntil(
        lambda: not window.explorer.runner.live and all(r.trajectory for r in window.runs),
        timeout=60_000,
    )
    assert window.trajectory.status == "converged"  # the gradient vanished ...
    table = find(window, QTableWidget, "runsTable")
    # ... but on a saddle: "converged" reads as "found the bottom" to a class
    qtbot.waitUntil(lambda: table.item(0, STATUS).text() == "at saddle")
    assert table.item(0, STATUS).toolTip() == (
        "stopped at the saddle at (0, 0), which is not a minimum"
    )
    assert find(window, QLabel, "statusReadout").text() == "at saddle"
    assert errors == []
