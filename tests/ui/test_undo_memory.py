"""The undo history keeps a bounded amount of data: the oldest steps are let go."""

import gc
import weakref

import numpy as np

from gd_explorer.engine import Dataset
from gd_explorer.state import ExplorerState
from gd_explorer.ui import controller


def held_bytes(window):
    stack = window.undo_stack
    unique = {}
    for i in range(stack.count()):
        for data in stack.command(i).datasets():
            unique[id(data)] = data
    return sum(d.x.nbytes + d.y.nbytes for d in unique.values())


def test_edits_on_large_data_keep_the_history_within_its_budget(window, monkeypatch):
    rows = 20_000  # 320 kB a dataset
    budget = 10 * rows * 16
    monkeypatch.setattr(controller, "UNDO_MEMORY_BYTES", budget)
    x = np.linspace(0, 10, rows)
    window.explorer.change("Open", ExplorerState(Dataset(x, 2 * x + 1), (window.settings,)))
    states = [window.dataset]
    for i in range(30):
        window.table.cellEdited.emit(i, 1, float(i))
        states.append(window.dataset)
    assert held_bytes(window) <= budget  # without the bound: 31 datasets, 3.1 budgets
    # And the memory is really given back: the oldest datasets are gone.
    oldest = [weakref.ref(data.x) for data in states[:10]]
    newest = [weakref.ref(data.x) for data in states[-5:]]
    states[:10] = []
    gc.collect()
    assert all(ref() is None for ref in oldest)
    assert all(ref() is not None for ref in newest)
    assert "oldest undo step was let go" in window.statusBar().currentMessage()
    # The recent steps undo exactly, newest first.
    for expected in reversed(states[-6:-1]):
        window.undo_stack.undo()
        assert window.dataset is expected
    # Down at the steps let go, an undo only removes them, saying why in their name.
    stack = window.undo_stack
    while stack.canUndo() and "too old to undo" not in stack.undoText():
        stack.undo()
    assert "too old to undo" in stack.undoText()
    shown = window.dataset
    stack.undo()
    assert window.dataset is shown  # nothing jumped back over the missing steps


def test_small_data_keeps_every_step(window):
    for i in range(200):
        window.data_view.pointAdded.emit(float(i), 1.0)
    assert window.undo_stack.count() == 200
    assert all(window.undo_stack.command(i).datasets() for i in range(200))
