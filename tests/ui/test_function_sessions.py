"""Function problems in sessions and autosaves: saved, reopened, and bad ones explained."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gd_explorer import files
from gd_explorer.engine import article_dataset, descend
from gd_explorer.settings import TYPED, Settings
from gd_explorer.state import ExplorerState
from gd_explorer.ui import autosave, sessions

FUNCTIONS = {
    "surface": {"surface": "himmelblau"},
    "typed": {"surface": TYPED, "expression": "x**2 + 3*y**2 - x*y + sin(x)"},
    "bowl": {"surface": "bowl", "condition": 250.0, "rotation": -15.0},
}


def race_on(function: dict) -> ExplorerState:
    """Return a state of two runs on ``function``, differing in noise, rate and start."""
    state = ExplorerState.initial()
    first = state.settings.replace(
        model="function", learning_rate=0.002, start_slope=-1.5, start_intercept=0.5,
        noise=0.25, seed=7, optimizer="momentum", **function,
    )  # fmt: skip
    state, _ = state.set_settings(first)
    second = first.replace(learning_rate=0.003, noise=0.0, start_slope=1.0, optimizer="adam")
    state, _ = state.add_run(second, label="Adam from (1, 0.5)")
    return state


def edit_session(path, **changes) -> None:
    """Change settings in a saved session file, in every run, as a hand edit would."""
    document = json.loads(path.read_text(encoding="utf-8"))
    for values in [document["settings"], *document.get("runs", [])]:
        values.update(changes)
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize("kind", FUNCTIONS)
def test_a_function_session_reopens_with_every_run(tmp_path, kind):
    state = race_on(FUNCTIONS[kind])
    path = tmp_path / "function.json"
    sessions.write(path, state)
    reopened, notes = sessions.read(path, ExplorerState.initial())
    assert notes == ()
    assert reopened.runs == state.runs and reopened.labels == state.labels
    assert reopened.selected == state.selected == 1
    assert reopened.data == state.data
    problem = reopened.settings.function()
    assert problem is state.settings.function()  # the same function, built once
    for before, after in zip(state.runs, reopened.runs, strict=True):
        one, two = descend(problem, before.config()), descend(problem, after.config())
        np.testing.assert_array_equal(one.params, two.params)  # noise seeded alike


def test_an_old_session_without_the_function_settings_still_opens(tmp_path):
    path = tmp_path / "old.json"
    data = article_dataset()
    path.write_text(
        json.dumps(
            {
                "format": files.FORMAT,
                "version": 1,
                "dataset": {"name": "article", "x": data.x.tolist(), "y": data.y.tolist()},
                "model": "linear",
                "settings": {"learning_rate": 0.02, "steps": 500, "variant": "batch"},
                "lesson": "overshoot",
            }
        ),
        encoding="utf-8",
    )
    state, notes = sessions.read(path, ExplorerState.initial())
    assert notes == ()
    assert state.settings.model == "linear" and state.settings.learning_rate == 0.02
    assert state.settings.noise == 0.0 and state.lesson == "overshoot"


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"expression": "x +* y"}, "the typed function “x +* y” cannot be used: Column 4"),
        ({"expression": "x**2 + z"}, "the typed function “x**2 + z” cannot be used"),
        ({"surface": "bowl", "condition": 5000.0}, "condition number must be 1 … 1000"),
        ({"surface": "volcano"}, "no surface named 'volcano'"),
    ],
    ids=["not a formula", "unknown name", "bowl out of range", "unknown surface"],
)
def test_a_function_that_cannot_be_built_opens_the_rest_with_a_message(tmp_path, changes, said):
    state = race_on(FUNCTIONS["typed"])
    path = tmp_path / "bad.json"
    sessions.write(path, state)
    edit_session(path, **changes)
    reopened, notes = sessions.read(path, ExplorerState.initial())
    assert len(notes) == 1
    (note,) = notes
    assert note.startswith("bad.json: ") and said in note
    assert "Rosenbrock's valley" in note  # what it opened on instead
    # Everything else is kept: every run, its name, its settings and the data.
    assert reopened.labels == state.labels and reopened.data == state.data
    assert reopened.settings.model == "function"
    assert reopened.settings.surface == Settings().surface
    for before, after in zip(state.runs, reopened.runs, strict=True):
        kept = ("learning_rate", "noise", "seed", "start_slope", "start_intercept", "optimizer")
        assert all(getattr(before, name) == getattr(after, name) for name in kept)
    if "expression" in changes:  # the text is kept, to be corrected
        assert reopened.settings.expression == changes["expression"]


def test_a_long_typed_function_is_explained_and_an_absurd_one_refused(tmp_path):
    state = race_on(FUNCTIONS["typed"])
    path = tmp_path / "long.json"
    sessions.write(path, state)
    long = " + ".join(["x*y"] * 200)  # longer than the parser takes
    edit_session(path, expression=long)
    reopened, (note,) = sessions.read(path, ExplorerState.initial())
    assert "cannot be used" in note and reopened.settings.expression == long
    edit_session(path, expression="x" * 1_000_000)
    with pytest.raises(files.SessionError, match="'settings.expression' is longer than"):
        sessions.read(path, ExplorerState.initial())


def test_a_function_race_is_autosaved_and_restored(tmp_path):
    state = race_on(FUNCTIONS["bowl"])
    snapshot = autosave.Snapshot(
        state.data,
        state.settings.to_dict(),
        None,
        1.0,
        tuple(run.to_dict() for run in state.runs),
        state.selected,
        state.labels,
    )
    path = tmp_path / "autosave-1-0.npz"
    path.write_bytes(autosave.encode(snapshot))
    back = autosave.decode(path)
    runs = tuple(Settings.from_dict(run) for run in back.runs)  # as recovery reads them
    restored, _ = ExplorerState.initial().load_session(
        back.dataset, runs, back.selected, back.lesson, back.labels
    )
    assert restored.runs == state.runs and restored.labels == state.labels
    title = state.settings.function().title
    assert title.startswith("Quadratic bowl (condition 250")
    assert f"function “{title}”" in autosave.describe(back)


def test_describing_an_autosave_on_data_is_unchanged():
    snapshot = autosave.Snapshot(article_dataset(), Settings().to_dict(), None, 0.0)
    assert "8 points “article”, linear model" in autosave.describe(snapshot)


# Through the window.


def test_the_window_saves_reopens_and_recovers_a_function_race(qtbot, make_window, tmp_path):
    from tests.ui.test_autosave import answer

    first = make_window(use_gl=False)
    first.load_lesson("himmelblau-starts")
    first.explorer.set_settings(first.settings.replace(noise=0.4), from_panel=False)
    path = tmp_path / "himmelblau.json"
    assert first.save_session(path)
    state = first.explorer.state

    second = make_window(use_gl=False)
    assert second.open_session(path)
    assert second.explorer.state.runs == state.runs
    assert second.explorer.state.labels == state.labels
    assert second.problem.name == "himmelblau"

    # Unsaved work on a function comes back after a crash, every run with it.
    folder = second.autosave.folder
    second.explorer.set_settings(second.settings.replace(learning_rate=0.002), from_panel=False)
    second.flush_autosave()
    [saved] = [p for p in folder.glob("autosave-*.npz") if p == second.autosave.path]
    (folder / "autosave-999999999-0.npz").write_bytes(saved.read_bytes())
    third = make_window(use_gl=False)
    seen = answer(qtbot, "recoveryDialog", "Restore")
    assert third.offer_recovery() >= 1
    assert "function “Himmelblau's function”" in seen[0]
    assert third.explorer.state.runs == second.explorer.state.runs
