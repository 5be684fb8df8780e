"""The L2 penalty λ in the window: its control, the runs' problem, the optimum on the
contour, the equations, undo, sessions and the autosave."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel

from gd_explorer.engine import reference_fit
from gd_explorer.lessons import get_lesson
from gd_explorer.ui import autosave

RUN_TIMEOUT = 60_000


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def l2_box(window) -> QDoubleSpinBox:
    box = window.findChild(QDoubleSpinBox, "l2Input")
    assert box is not None
    return box


def run_to_end(qtbot, window):
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.findChild(type(window.action_run), "actionRun").trigger()
    qtbot.waitUntil(
        lambda: all(
            run.trajectory is not None and run.trajectory.status != "running"
            for run in window.runs
        ),
        timeout=RUN_TIMEOUT,
    )


def test_the_control_is_labelled_for_a_student(window):
    box = l2_box(window)
    label = window.controls._form.labelForField(box)
    assert isinstance(label, QLabel) and label.text() == "L2 penalty λ"
    assert "J + (λ/2)·m²" in box.toolTip()
    assert box.value() == 0.0 and box.isVisibleTo(window)
    assert isinstance(window.controls._form, QFormLayout)


def test_a_typed_penalty_is_the_problem_of_every_run(qtbot, window):
    window.load_lesson("logistic-slope")
    window.explorer.add_run()
    type_into(qtbot, l2_box(window), "0.1")
    assert [run.l2 for run in window.explorer.state.runs] == [0.1, 0.1]
    assert window.problem.l2 == 0.1
    run_to_end(qtbot, window)
    assert window.explorer.runner.problem.l2 == 0.1
    for run in window.runs:  # each ran on the penalised cost
        m, b = run.trajectory.params[-1]
        assert run.trajectory.cost[-1] == pytest.approx(window.problem.cost((m, b)), rel=1e-12)


def test_a_penalty_out_of_range_is_refused_with_a_message(qtbot, window):
    box = l2_box(window)
    for typed in ("-1", "1e9", "abc"):
        type_into(qtbot, box, typed)
        assert window.settings.l2 == 0.0
        assert box.value() == 0.0
        message = window.statusBar().currentMessage()
        assert message.startswith(f"L2 penalty λ: {typed!r} is not a number between 0 and")


def test_a_new_penalty_is_one_step_to_undo(qtbot, window):
    type_into(qtbot, l2_box(window), "0.5")
    assert window.settings.l2 == 0.5
    assert "L2 penalty" in window.undo_stack.undoText()
    window.undo_stack.undo()
    assert window.settings.l2 == 0.0 and l2_box(window).value() == 0.0
    assert window.problem.l2 == 0.0
    window.undo_stack.redo()
    assert window.settings.l2 == 0.5 and l2_box(window).value() == 0.5


def test_the_contour_marks_the_optimum_once_the_penalty_gives_one(qtbot, window):
    window.load_lesson("logistic-slope")
    window.explorer.set_settings(window.settings.replace(l2=0.0), from_panel=False)
    assert not window.contour.optimum.isVisible()  # separable: no finite optimum
    assert window.contour.legend_text == "no finite optimum of m and b"  # b is held
    type_into(qtbot, l2_box(window), "0.1")
    fit = reference_fit(window.problem)
    assert fit.exists
    assert window.contour.optimum.isVisible()
    x, y = window.contour.optimum.getData()
    np.testing.assert_allclose([x[0], y[0]], fit.theta)
    domain = window.contour.domain
    assert domain.m_min < fit.theta[0] < domain.m_max
    assert domain.b_min < fit.theta[1] < domain.b_max
    assert window.contour.legend_text == "★ optimum with λ > 0"


def test_the_lesson_sets_the_penalty_and_the_next_lesson_clears_it(window):
    window.load_lesson("separable-l2")
    assert window.settings.l2 == 0.1 and l2_box(window).value() == 0.1
    assert window.contour.optimum.isVisible()
    window.load_lesson("overshoot")
    assert window.settings.l2 == 0.0 and l2_box(window).value() == 0.0


def test_the_equations_add_the_penalty_only_when_there_is_one(qtbot, window):
    assert "λ" not in window.equations.text()
    type_into(qtbot, l2_box(window), "0.25")
    text = window.equations.text()
    assert "+ (λ/2)·m²" in text
    assert "+ λ·m" in text
    assert "λ = 0.25" in text


def test_the_control_hides_on_a_function(window):
    window.controls.model.setCurrentIndex(window.controls.model.findData("function"))
    assert window.settings.model == "function"
    assert not l2_box(window).isVisibleTo(window)


def test_a_session_keeps_the_penalty(make_window, tmp_path):
    first = make_window(use_gl=False)
    first.load_lesson("separable-l2")
    first.explorer.set_settings(first.settings.replace(l2=0.07), from_panel=False)
    path = tmp_path / "penalty.json"
    assert first.save_session(path)
    assert json.loads(path.read_text(encoding="utf-8"))["settings"]["l2"] == 0.07

    second = make_window(use_gl=False)
    assert second.open_session(path)
    assert second.settings.l2 == 0.07 and l2_box(second).value() == 0.07
    assert second.problem.l2 == 0.07


def test_an_older_session_without_a_penalty_opens_with_none(window, tmp_path):
    window.load_lesson("separable-l2")
    path = tmp_path / "old.json"
    assert window.save_session(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["settings"]["l2"]
    path.write_text(json.dumps(document), encoding="utf-8")
    window.explorer.set_settings(window.settings.replace(l2=0.3), from_panel=False)
    assert window.open_session(path)
    assert window.settings.l2 == 0.0 and window.problem.l2 == 0.0


def test_a_session_with_a_bad_penalty_is_refused_naming_it(window, tmp_path):
    path = tmp_path / "bad.json"
    assert window.save_session(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["settings"]["l2"] = -2.0
    path.write_text(json.dumps(document), encoding="utf-8")
    before = window.settings
    assert not window.open_session(path)
    assert "'settings.l2' = -2.0 is not accepted" in window.statusBar().currentMessage()
    assert window.settings == before


def test_the_autosave_keeps_the_penalty(window, data_folder):
    window.load_lesson(get_lesson("separable-l2").id)
    window.data_view.pointAdded.emit(2.5, 0.0)  # unsaved work, so it is autosaved
    window.flush_autosave()
    [path] = sorted(data_folder.glob("autosave-*.npz"))
    assert autosave.decode(path).settings["l2"] == 0.1


def _bands(window):
    seen = []
    window.explorer.bandsChanged.connect(lambda *args: seen.append(args))
    window.explorer._show_bands(window.explorer.analysis)
    return seen[-1]


def test_the_learning_rate_bands_count_the_penalty_in_the_curvature(qtbot, window):
    _, plain, _ = _bands(window)
    type_into(qtbot, l2_box(window), "5")
    _, penalised, _ = _bands(window)
    # Ridge adds λ to the Hessian's slope entry: a larger L, a lower limit 2/L.
    x = window.dataset.x
    hessian = np.array([[np.mean(x * x) + 5.0, x.mean()], [x.mean(), 1.0]])
    assert penalised == pytest.approx(2 / np.linalg.eigvalsh(hessian)[-1], rel=1e-12)
    assert penalised < plain


def test_a_sweep_on_separated_classes_runs_the_penalised_problem(qtbot, window):
    from gd_explorer.engine import descend, stability

    window.load_lesson("separable-l2")
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=200), from_panel=False)
    with qtbot.waitSignal(explorer.sweepDone, timeout=RUN_TIMEOUT) as done:
        explorer.sweep(count=8)
    result, _, two = done.args
    problem = explorer.analysis.problem
    assert problem.l2 == 0.1
    assert result.complete and result.optimum == pytest.approx(reference_fit(problem).cost)
    config = window.settings.config()
    for rate, final in zip(result.rates, result.final_cost, strict=True):
        run = descend(problem, config.replace(learning_rate=float(rate)))
        assert final == pytest.approx(run.cost[-1], rel=1e-12, abs=1e-12)
    fit = reference_fit(problem)
    assert two == pytest.approx(stability(problem, fit.theta).max_stable_lr)


def test_a_penalty_set_during_a_run_starts_it_again_from_the_ball(qtbot, window):
    window.load_lesson("separable-l2")
    window.explorer.set_settings(window.settings.replace(l2=0.0, speed=50.0), from_panel=False)
    window.action_run.trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.steps >= 5,
        timeout=RUN_TIMEOUT,
    )
    type_into(qtbot, l2_box(window), "0.1")
    assert window.explorer.runner.problem.l2 == 0.1
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status == "converged",
        timeout=RUN_TIMEOUT,
    )
    run = window.trajectory
    assert run.params[0, 0] != 0.0  # from where the ball was, not from the start
    np.testing.assert_allclose(run.params[-1], reference_fit(window.problem).theta, atol=1e-5)
    for point, cost in zip(run.params[-3:], run.cost[-3:], strict=True):
        assert cost == pytest.approx(window.problem.cost(tuple(point)), rel=1e-12)


def test_with_the_intercept_held_the_map_says_m_and_b_together_have_no_optimum(qtbot, window):
    # The logistic-slope lesson holds b: along that line there is a lowest cost (the
    # history's J*), so the map must not say that no optimum exists at all.
    window.load_lesson("logistic-slope")
    qtbot.waitUntil(lambda: window.contour.legend_text != "")
    assert window.contour.legend_text == "no finite optimum of m and b"
    assert window.history.title_text.count("J*") == 1  # the held line's optimum
