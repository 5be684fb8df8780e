"""The controls, the controller and the reports on a function problem, used as a user does.

First the settings panel alone (it needs no views), then the real window: choosing a
surface and running it, typing a function, gradient noise, undo through problem
changes, the way back to the data, races, and attacks (switching while running,
garbage while racing, absurd condition numbers).
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from gd_explorer.engine import descend
from gd_explorer.engine.functions import SURFACE_INFO, SURFACES
from gd_explorer.engine.symbolic import MAX_LENGTH
from gd_explorer.settings import TYPED, Settings
from gd_explorer.ui.controls import FIELD_LENGTH, TYPED_LABEL, ControlsPanel
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.runs_panel import COST, REACHED, STATUS, RunRow, RunsPanel
from gd_explorer.ui.views.equations import EquationsPanel

RUN_TIMEOUT = 60_000


# The panel alone: it shows a function's controls and leaves edits as settings.


@pytest.fixture
def panel(qtbot):
    """A shown panel that takes back what it emits, as the window does."""
    controls = ControlsPanel()
    qtbot.addWidget(controls)
    controls.emitted = []
    controls.messages = []

    def echo(settings):
        controls.emitted.append(settings)
        controls.set_settings(settings, rows=8)

    controls.settingsEdited.connect(echo)
    controls.rejected.connect(controls.messages.append)
    controls.resize(380, 1000)
    with qtbot.waitExposed(controls):
        controls.show()
    return controls


def find(parent, kind, name):
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def choose(parent, name, value):
    box = find(parent, QComboBox, name)
    index = box.findData(value)
    assert index >= 0, f"{name} offers no {value!r}"
    box.setCurrentIndex(index)


def type_number(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def type_formula(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def label_of(panel, widget):
    label = panel.layout().labelForField(widget)
    return label.text() if isinstance(label, QLabel) else None


def test_the_model_offers_a_function_and_its_controls_replace_the_datas(panel):
    model = find(panel, QComboBox, "modelInput")
    assert [model.itemText(i) for i in range(model.count())][-1] == "Function (no data)"
    for name in ("surfaceInput", "noiseInput", "expressionInput", "conditionInput"):
        assert not find(panel, QWidget, name).isVisibleTo(panel)
    choose(panel, "modelInput", "function")
    assert panel.emitted[-1].model == "function"
    assert find(panel, QComboBox, "surfaceInput").isVisibleTo(panel)
    assert find(panel, QDoubleSpinBox, "noiseInput").isVisibleTo(panel)
    assert not find(panel, QSpinBox, "batchSizeInput").isVisibleTo(panel)
    assert not find(panel, QCheckBox, "holdInterceptInput").isVisibleTo(panel)
    variant = find(panel, QComboBox, "variantInput")
    assert not variant.isEnabled() and "no data points to sample" in variant.toolTip()
    assert variant.currentData() == "batch"
    scaling = find(panel, QCheckBox, "scalingInput")
    assert not scaling.isEnabled() and "nothing to rescale" in scaling.toolTip()
    assert label_of(panel, find(panel, QDoubleSpinBox, "startSlopeInput")) == "Start x"
    assert label_of(panel, find(panel, QDoubleSpinBox, "startInterceptInput")) == "Start y"
    choose(panel, "modelInput", "linear")
    assert label_of(panel, find(panel, QDoubleSpinBox, "startSlopeInput")) == "Start slope"
    assert find(panel, QComboBox, "variantInput").isEnabled()
    assert not find(panel, QComboBox, "surfaceInput").isVisibleTo(panel)


def test_the_surface_picker_lists_every_surface_then_your_own(panel):
    box = find(panel, QComboBox, "surfaceInput")
    titles = [box.itemText(i) for i in range(box.count())]
    assert titles == [info.title for info in SURFACE_INFO.values()] + [TYPED_LABEL]
    assert box.itemData(box.count() - 1) == TYPED


def test_choosing_a_surface_sets_its_start_and_rate_once(qtbot, panel):
    panel.set_settings(Settings(model="function"), rows=8)
    choose(panel, "surfaceInput", "himmelblau")
    info = SURFACE_INFO["himmelblau"]
    settings = panel.emitted[-1]
    assert settings.surface == "himmelblau"
    assert (settings.start_slope, settings.start_intercept) == info.start
    assert settings.learning_rate == info.learning_rate
    # The user may change them after: typing a start keeps the surface.
    type_number(qtbot, find(panel, QDoubleSpinBox, "startSlopeInput"), "2.5")
    assert panel.settings.start_slope == 2.5 and panel.settings.surface == "himmelblau"


def test_a_bad_formula_is_refused_with_its_column_and_the_text_kept(qtbot, panel):
    panel.set_settings(Settings(model="function", surface=TYPED, expression="x**2"), rows=8)
    field = find(panel, QLineEdit, "expressionInput")
    assert field.isVisibleTo(panel)
    emitted = len(panel.emitted)
    type_formula(qtbot, field, "x**2 +")
    error = find(panel, QLabel, "expressionError")
    assert len(panel.emitted) == emitted  # nothing applied
    assert field.text() == "x**2 +"  # nothing lost
    assert error.isVisibleTo(panel) and "Column 7" in error.text()
    assert "<u" in error.text()  # the column underlined
    assert field.cursorPosition() == 6  # at column 7
    assert "Column 7" in panel.messages[-1]
    # Another setting changed meanwhile keeps the draft and the message.
    type_number(qtbot, find(panel, QDoubleSpinBox, "learningRateInput"), "0.02")
    assert field.text() == "x**2 +" and error.isVisibleTo(panel)
    type_formula(qtbot, field, "x**2 + 3*y**2")
    assert panel.emitted[-1].expression == "x**2 + 3*y**2"
    assert panel.emitted[-1].surface == TYPED
    assert not error.isVisibleTo(panel)


def test_a_megabyte_pasted_is_refused_at_once_with_a_message(qtbot, panel):
    panel.set_settings(Settings(model="function", surface=TYPED, expression="x**2"), rows=8)
    field = find(panel, QLineEdit, "expressionInput")
    QApplication.clipboard().setText("x+" * 500_000 + "x")
    field.setFocus()
    field.selectAll()
    emitted = len(panel.emitted)
    field.paste()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert len(panel.emitted) == emitted
    assert "too long" in find(panel, QLabel, "expressionError").text()
    # What the field took is kept, more than the parser takes (so it says "too long"),
    # but not the 32,767 characters of Qt's default, which took 0.1 s to lay out.
    assert MAX_LENGTH < len(field.text()) == FIELD_LENGTH <= 10 * MAX_LENGTH


def test_choosing_your_own_function_offers_the_current_formula_to_edit(panel):
    panel.set_settings(Settings(model="function", surface="rosenbrock"), rows=8)
    choose(panel, "surfaceInput", TYPED)
    field = find(panel, QLineEdit, "expressionInput")
    assert field.text() == SURFACE_INFO["rosenbrock"].expression
    assert panel.emitted[-1].expression == field.text()


def test_the_bowls_controls_show_only_for_the_bowl_and_refuse_absurd_numbers(qtbot, panel):
    panel.set_settings(Settings(model="function", surface="rosenbrock"), rows=8)
    condition = find(panel, QDoubleSpinBox, "conditionInput")
    rotation = find(panel, QDoubleSpinBox, "rotationInput")
    assert not condition.isVisibleTo(panel) and not rotation.isVisibleTo(panel)
    choose(panel, "surfaceInput", "bowl")
    assert condition.isVisibleTo(panel) and rotation.isVisibleTo(panel)
    for absurd in ("0", "-5", "1e9", "1001", "nan", "inf", "ten"):
        emitted = len(panel.emitted)
        type_number(qtbot, condition, absurd)
        assert len(panel.emitted) == emitted, absurd
        assert panel.settings.condition == 10.0
        assert "condition number" in panel.messages[-1] and "kept" in panel.messages[-1]
    type_number(qtbot, condition, "250")
    assert panel.settings.condition == 250.0
    slider = find(panel, QSlider, "conditionSlider")
    slider.setValue(slider.maximum())
    assert panel.settings.condition == 1000.0
    slider.setValue(slider.minimum())
    assert panel.settings.condition == 1.0
    type_number(qtbot, rotation, "-45")
    assert panel.settings.rotation == -45.0
    type_number(qtbot, rotation, "400")
    assert panel.settings.rotation == -45.0 and "rotation" in panel.messages[-1]


def test_gradient_noise_is_a_setting_of_the_run_and_uses_the_seed(qtbot, panel):
    panel.set_settings(Settings(model="function", surface="rosenbrock"), rows=8)
    seed = find(panel, QSpinBox, "seedInput")
    assert not seed.isEnabled()  # no noise: nothing random
    type_number(qtbot, find(panel, QDoubleSpinBox, "noiseInput"), "0.5")
    assert panel.settings.noise == 0.5 and panel.settings.config().noise == 0.5
    assert seed.isEnabled()


def test_the_runs_panel_names_a_functions_columns_and_fits_its_endings(qtbot):
    panel = RunsPanel()
    qtbot.addWidget(panel)
    table = panel.table
    width = table.minimumWidth()
    panel.set_kind("function")
    assert table.minimumWidth() == width  # the controls' column does not scroll sideways
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert titles[COST] == "f" and titles[REACHED] == "At f*"
    said = "reached minimum 4 of 4 at (3.58, −1.85)"
    panel.show_runs([RunRow("run 1", said, 40, 0.0), RunRow("run 2", "max_steps", 40, 1.0)])
    item = table.item(0, STATUS)
    assert item.text() == "min 4 of 4" and item.toolTip() == said
    metrics = table.fontMetrics()
    assert table.columnWidth(STATUS) >= metrics.horizontalAdvance(item.text())
    assert panel.outcomes.text() == f"run 1: {said}" and not panel.outcomes.isHidden()
    assert table.item(1, STATUS).text() == "finished"
    panel.set_kind("linear")
    assert table.horizontalHeaderItem(COST).text() == "Cost"


def test_the_readout_and_equations_speak_of_x_y_and_f(qtbot):
    readout, equations = Readout(), EquationsPanel()
    for widget in (readout, equations):
        qtbot.addWidget(widget)
    readout.set_kind("function")
    assert [c.text() for c in readout.captions] == ["step", "f(x, y)", "x", "y", "|∇f|", "status"]
    readout.set_kind("function", 1)
    assert [c.text() for c in readout.captions][1:5] == ["f(x)", "x", "y (not used)", "|f′(x)|"]
    readout.set_kind("linear")
    assert [c.text() for c in readout.captions][1:4] == ["cost", "slope", "intercept"]
    problem = SURFACES["rosenbrock"]
    equations.set_problem(problem)
    config = Settings(model="function", learning_rate=0.001, noise=0.5).config()
    gradient = problem.gradient((-1.5, 2.0))
    after = (-1.5 - 0.001 * gradient[0], 2.0 - 0.001 * gradient[1])
    equations.show_step("function", config, 1, (-1.5, 2.0), after, gradient, 1.0)
    text = equations.text()
    d_x, d_y = problem.gradient_text()
    assert f"∂f/∂x = {d_x}" in text and f"∂f/∂y = {d_y}" in text
    assert "x ← −1.5 − 0.001 ×" in text and "y ← 2 − 0.001 ×" in text
    assert "noisy gradient, σ = 0.5" in text and problem.formula in text
    assert "slope" not in text


# The window: needs the views that draw a function.


@pytest.fixture
def errors(monkeypatch):
    """Every exception that reaches ``sys.excepthook`` or ``threading.excepthook``."""
    caught: list[str] = []

    def hook(kind, value, traceback):
        caught.append(f"{kind.__name__}: {value}")

    monkeypatch.setattr(sys, "excepthook", hook)
    monkeypatch.setattr(threading, "excepthook", lambda args: caught.append(str(args)))
    return caught


def trigger(window, name):
    action = window.actions_by_name[name]
    assert action.isEnabled(), f"{name} is disabled"
    action.trigger()


def fast(window):
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)


def run_to_end(qtbot, window):
    trigger(window, "actionRun")
    qtbot.waitUntil(
        lambda: (
            not window.explorer.runner.live and all(r.trajectory is not None for r in window.runs)
        ),
        timeout=RUN_TIMEOUT,
    )
    return window.runs


def on_function(qtbot, window, surface="himmelblau"):
    choose(window, "modelInput", "function")
    choose(window, "surfaceInput", surface)
    assert window.problem.kind == "function" and window.problem.name == surface


def status_cells(window):
    table = find(window, QTableWidget, "runsTable")
    return [table.item(row, STATUS) for row in range(table.rowCount())]


def test_himmelblau_run_to_the_end_names_the_minimum_it_reached(qtbot, make_window, errors):
    window = make_window()
    fast(window)
    on_function(qtbot, window, "himmelblau")
    (run,) = run_to_end(qtbot, window)
    end = tuple(run.trajectory.params[-1])
    said = window.problem.describe_reached(end)
    assert said is not None and said.startswith("reached minimum")
    assert "of 4 at (" in said
    assert window.statusBar().currentMessage() == f"run 1 {said}"
    trigger(window, "actionReset")
    trigger(window, "actionRun")  # a new run: the old ending is no longer news
    assert window.statusBar().currentMessage() != f"run 1 {said}"
    qtbot.waitUntil(lambda: not window.explorer.runner.live, timeout=RUN_TIMEOUT)
    cell = status_cells(window)[0]
    assert cell.toolTip() == said and cell.text().startswith("min ")
    outcomes = find(window, QLabel, "runOutcomes")
    qtbot.waitUntil(lambda: said in outcomes.text())
    assert outcomes.isVisible()
    status = find(window, QLabel, "statusReadout")
    assert status.toolTip() == said and status.text() == cell.text()
    assert find(window, QLabel, "slopeReadout").text() == f"{end[0]:.6g}"
    captions = [c.text() for c in window.readout.captions]
    assert "f(x, y)" in captions and "x" in captions and "y" in captions
    assert "∂f/∂x" in window.equations.text() and "x ←" in window.equations.text()
    assert errors == []


def test_a_typed_function_becomes_the_problem_and_a_bad_one_changes_nothing(
    qtbot, make_window, errors
):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    choose(window, "surfaceInput", TYPED)
    field = find(window, QLineEdit, "expressionInput")
    type_formula(qtbot, field, "x**2 + 3*y**2")
    assert window.problem.text == "x**2 + 3*y**2"
    assert window.problem.gradient_text() == ("2·x", "6·y")
    steps = window.undo_stack.count()
    type_formula(qtbot, field, "x**2 +")
    assert window.problem.text == "x**2 + 3*y**2"  # still the one before
    assert window.undo_stack.count() == steps
    assert "Column 7" in find(window, QLabel, "expressionError").text()
    assert "Column 7" in window.statusBar().currentMessage()
    assert field.text() == "x**2 +"
    assert errors == []


def test_noise_changes_the_path_and_the_same_seed_repeats_it(qtbot, make_window, errors):
    window = make_window()
    fast(window)
    on_function(qtbot, window, "rosenbrock")
    window.explorer.set_settings(window.settings.replace(steps=300), from_panel=False)
    (plain,) = run_to_end(qtbot, window)
    trigger(window, "actionReset")
    type_number(qtbot, find(window, QDoubleSpinBox, "noiseInput"), "2")
    assert window.settings.noise == 2.0
    (noisy,) = run_to_end(qtbot, window)
    assert not np.allclose(noisy.trajectory.params, plain.trajectory.params)
    np.testing.assert_array_equal(
        noisy.trajectory.params, descend(window.problem, window.settings.config()).params
    )
    trigger(window, "actionReset")
    (again,) = run_to_end(qtbot, window)
    np.testing.assert_array_equal(again.trajectory.params, noisy.trajectory.params)
    trigger(window, "actionReset")
    type_number(qtbot, find(window, QSpinBox, "seedInput"), "7")
    (other,) = run_to_end(qtbot, window)
    assert not np.allclose(other.trajectory.params, noisy.trajectory.params)
    assert "noisy gradient" in window.equations.text()
    assert errors == []


def test_undo_and_redo_go_through_problem_changes(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    choose(window, "surfaceInput", "himmelblau")
    assert window.problem.name == "himmelblau"
    trigger(window, "actionUndo")
    assert window.problem.name == "rosenbrock"
    assert find(window, QComboBox, "surfaceInput").currentData() == "rosenbrock"
    assert window.settings.start_slope == SURFACE_INFO["rosenbrock"].start[0]
    trigger(window, "actionRedo")
    assert window.problem.name == "himmelblau"
    choose(window, "surfaceInput", "bowl")
    slider = find(window, QSlider, "conditionSlider")
    for position in (150, 200, 250):
        slider.setValue(position)
    assert window.problem.name == "bowl" and window.settings.condition == 316.0
    trigger(window, "actionUndo")  # the drag is one step
    assert window.settings.condition == 10.0
    trigger(window, "actionUndo")
    trigger(window, "actionUndo")
    trigger(window, "actionUndo")  # back past the switch to a function
    assert window.problem.kind == "linear"
    assert errors == []


def test_back_to_linear_gives_the_data_and_its_settings_back(qtbot, make_window, errors):
    window = make_window()
    window.explorer.edit("Add point", lambda d: d.with_point(11.0, 12.0))
    type_number(qtbot, find(window, QDoubleSpinBox, "learningRateInput"), "0.003")
    choose(window, "variantInput", "minibatch")
    data = window.dataset
    on_function(qtbot, window, "booth")
    assert window.settings.learning_rate == SURFACE_INFO["booth"].learning_rate
    choose(window, "modelInput", "linear")
    assert window.dataset is data and len(window.dataset) == 9
    assert window.settings.learning_rate == 0.003 and window.settings.variant == "minibatch"
    assert find(window, QComboBox, "variantInput").isEnabled()
    assert find(window, QSpinBox, "batchSizeInput").isVisible()
    assert window.problem.kind == "linear" and window.problem.n == 9
    trigger(window, "actionUndo")
    assert window.problem.name == "booth"
    assert errors == []


def test_races_run_on_a_function_each_run_its_own_rule_and_start(qtbot, make_window, errors):
    window = make_window()
    fast(window)
    on_function(qtbot, window, "himmelblau")
    trigger(window, "actionDuplicateRun")
    window.contour.startRequested.emit(-1.0, -1.0)  # a click on the map
    choose(window, "optimizerInput", "momentum")
    trigger(window, "actionAddRun")
    assert window.settings.learning_rate == SURFACE_INFO["himmelblau"].learning_rate
    runs = run_to_end(qtbot, window)
    # The run added starts where the selected one does, with its rate: on a function
    # the data's defaults (0, 0 and 0.01) mean nothing.
    assert [r.config.init for r in runs] == [(0.0, 0.0), (-1.0, -1.0), (-1.0, -1.0)]
    assert runs[1].config.optimizer == "momentum"
    for run in runs:
        expected = descend(window.problem, run.config)
        np.testing.assert_allclose(run.trajectory.params[-1], expected.params[-1], atol=1e-12)
    said = [c.toolTip() for c in status_cells(window)]
    assert all(s.startswith("reached minimum") for s in said), said
    assert said[0] != said[1]  # another start, another minimum
    assert runs[2].config.optimizer == "gd"
    assert errors == []


def test_the_bands_best_rate_and_sweep_say_they_are_local(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    caption = find(window, QLabel, "learningRateBandsCaption")
    assert caption.text().startswith("Local")
    trigger(window, "actionBestRate")
    message = window.statusBar().currentMessage()
    assert "curvature at the start" in message
    curvature = window.explorer.analysis.stability
    assert curvature is not None
    hessian = window.problem.hessian(window.settings.config().start)
    eigen = np.linalg.eigvalsh(hessian)
    assert window.settings.learning_rate == pytest.approx(2 / (eigen[-1] + max(eigen[0], 0)))
    assert not find(window, QCheckBox, "scalingInput").isEnabled()
    assert errors == []


def test_the_sweep_runs_on_a_function_around_the_starts_curvature(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "booth")
    with qtbot.waitSignal(window.explorer.sweepDone, timeout=RUN_TIMEOUT) as done:
        window.explorer.sweep(8)
    assert "curvature at the start" in window.statusBar().currentMessage()
    result, one_over_l, two_over_l = done.args
    assert result is not None
    eigen = np.linalg.eigvalsh(window.problem.hessian(window.settings.config().start))
    assert two_over_l == pytest.approx(2 / eigen[-1]) and one_over_l == two_over_l / 2
    assert errors == []


def test_a_preset_that_needs_data_is_refused_on_a_function(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    runs = window.explorer.state.runs
    window.explorer.apply_preset("variants")
    assert window.explorer.state.runs == runs
    assert "no data points to sample" in window.statusBar().currentMessage()
    window.explorer.apply_preset("rules")
    assert len(window.explorer.state.runs) == 3
    assert all(s.model == "function" for s in window.explorer.state.runs)
    assert errors == []


def test_a_run_that_falls_away_says_so(qtbot, make_window, errors):
    window = make_window()
    fast(window)
    on_function(qtbot, window, "saddle")
    (run,) = run_to_end(qtbot, window)
    assert run.trajectory.status == "diverged"
    assert "unbounded below" in run.trajectory.message
    cell = status_cells(window)[0]
    assert cell.text() == "fell away" and "unbounded below" in cell.toolTip()
    assert "unbounded below" in find(window, QLabel, "divergenceBanner").text()
    assert errors == []


# Attacks.


def test_switching_problems_rapidly_while_running_loses_nothing(qtbot, make_window, errors):
    window = make_window()
    data = window.dataset
    trigger(window, "actionRun")
    # Surfaces with a minimum: on a saddle the run falls away and the race ends by itself.
    names = [name for name in SURFACE_INFO if "saddle" not in name]
    for i in range(24):
        if i % 6 == 5:
            choose(window, "modelInput", "linear")
        else:
            choose(window, "modelInput", "function")
            choose(window, "surfaceInput", names[i % len(names)])
        QApplication.processEvents()
        assert window.explorer.runner.live, f"the race stopped at switch {i}"
    choose(window, "modelInput", "function")
    choose(window, "surfaceInput", "booth")
    qtbot.waitUntil(lambda: any(r.steps > 3 for r in window.explorer.runner.records))
    assert window.explorer.runner.problem is window.problem
    start = SURFACE_INFO["booth"].start
    record = window.explorer.runner.records[0]
    assert tuple(record.view()[0][0]) == start  # the new surface's start, not a leftover
    trigger(window, "actionRun")  # pause
    choose(window, "modelInput", "linear")
    assert window.dataset is data and window.problem.kind == "linear"
    assert errors == []


def test_garbage_typed_while_a_race_runs_changes_nothing(qtbot, make_window, errors):
    window = make_window()
    on_function(qtbot, window, "rosenbrock")
    choose(window, "surfaceInput", TYPED)
    trigger(window, "actionDuplicateRun")
    trigger(window, "actionRun")
    qtbot.waitUntil(lambda: all(r.steps > 2 for r in window.explorer.runner.records))
    problem = window.problem
    field = find(window, QLineEdit, "expressionInput")
    for garbage in ("__import__('os')", "x.real", "lambda: 1", "9**9**9", "(" * 10_000, "x +"):
        field.setFocus()
        field.selectAll()
        field.insert(garbage)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert window.problem is problem, garbage
        assert find(window, QLabel, "expressionError").text()
    assert window.explorer.runner.running and len(window.explorer.runner.records) == 2
    trigger(window, "actionRun")
    assert errors == []


def test_absurd_condition_numbers_are_refused_and_the_extremes_run(qtbot, make_window, errors):
    window = make_window()
    fast(window)
    on_function(qtbot, window, "bowl")
    condition = find(window, QDoubleSpinBox, "conditionInput")
    for absurd in ("1e308", "-1", "0.5", "nan"):
        type_number(qtbot, condition, absurd)
        assert window.settings.condition == 10.0
    for extreme in ("1000", "1"):
        type_number(qtbot, condition, extreme)
        assert window.settings.condition == float(extreme)
        curvature = window.explorer.analysis.stability
        assert curvature is not None
        assert curvature.condition == pytest.approx(float(extreme), rel=1e-9)
        window.explorer.best_rate()
        (run,) = run_to_end(qtbot, window)
        assert run.trajectory.status != "diverged"
        assert math.isfinite(run.trajectory.cost[-1])
        trigger(window, "actionReset")
    assert errors == []
