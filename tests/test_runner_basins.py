"""The basins map as a job of the engine's process: progress, result, cancel, failures."""

import os
import signal

import numpy as np
import pytest

from gd_explorer.engine import (
    SURFACES,
    DescentConfig,
    LinearRegression,
    article_dataset,
    basins,
    grid_starts,
)
from gd_explorer.worker import DescentController

pytestmark = pytest.mark.filterwarnings("error")

TIMEOUT = 60_000
HIMMELBLAU = SURFACES["himmelblau"]


@pytest.fixture
def controller(qtbot):
    handle = DescentController()
    yield handle
    handle.shutdown()  # runs even when the test failed


def test_a_map_reports_progress_and_equals_the_engines(qtbot, controller):
    starts = grid_starts(HIMMELBLAU.domain, 30)
    config = DescentConfig(0.01, 1000, noise=0.5, seed=4)
    progress = []
    controller.basinsProgress.connect(lambda tag, done, total: progress.append((tag, done, total)))
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        tag = controller.basins(HIMMELBLAU, config, starts, (30, 30), HIMMELBLAU.domain)
    assert got.args[0] == tag
    result = got.args[1]
    assert result is not None and result.complete and got.args[2] == ""
    assert result.shape == (30, 30) and result.domain == HIMMELBLAU.domain
    here = basins(HIMMELBLAU, config, starts)
    assert np.array_equal(result.final, here.final)
    assert np.array_equal(result.minimum, here.minimum)
    assert len(progress) >= 2 and {p[0] for p in progress} == {tag}
    assert progress[-1][1:] == (1000, 1000)


def test_four_seed_starts_reach_their_own_minima_in_the_engine(qtbot, controller):
    starts = [(0.8 * x, 0.8 * y) for x, y in HIMMELBLAU.minima]
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        controller.basins(HIMMELBLAU, DescentConfig(0.01, 2000), starts)
    assert got.args[1].minimum.tolist() == [0, 1, 2, 3]


def test_cancel_stops_the_map_and_the_next_one_works(qtbot, controller):
    starts = grid_starts(HIMMELBLAU.domain, 100)
    progress = []

    def cancel(tag, done, total):
        progress.append(done)
        controller.cancel_basins()

    controller.basinsProgress.connect(cancel)
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        tag = controller.basins(HIMMELBLAU, DescentConfig(0.01, 10**6), starts)
    assert got.args == [tag, None, "cancelled"]
    assert progress and max(progress) < 10**6
    controller.basinsProgress.disconnect(cancel)
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        again = controller.basins(HIMMELBLAU, DescentConfig(0.01, 500), starts[:50])
    assert got.args[0] == again and got.args[1] is not None and got.args[1].complete
    assert controller.process.is_alive()


def test_a_newer_map_replaces_the_one_under_way(qtbot, controller):
    answers = []
    controller.basinsDone.connect(lambda tag, result, reason: answers.append((tag, result)))
    starts = grid_starts(HIMMELBLAU.domain, 100)
    first = controller.basins(HIMMELBLAU, DescentConfig(0.01, 10**6), starts)
    second = controller.basins(HIMMELBLAU, DescentConfig(0.01, 100), starts[:20])
    qtbot.waitUntil(lambda: any(tag == second for tag, _ in answers), timeout=TIMEOUT)
    assert dict(answers)[first] is None
    assert dict(answers)[second].complete


def test_a_map_that_cannot_be_made_says_why(qtbot, controller):
    line = LinearRegression(article_dataset())
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        controller.basins(line, DescentConfig(0.01, 10), [(0.0, 0.0)])
    assert got.args[1] is None
    assert "function of x and y" in got.args[2]
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        controller.basins(HIMMELBLAU, DescentConfig(0.01, 10), [(0.0, 0.0)])
    assert got.args[1] is not None  # the engine's process carried on


def test_a_map_does_not_stop_the_race(qtbot, controller):
    line = LinearRegression(article_dataset())
    controller.set_speed(0)
    controller.start(line, DescentConfig(1e-7, 10**7))
    qtbot.waitUntil(lambda: controller.records[0].steps > 0, timeout=TIMEOUT)
    frames = []
    controller.frame.connect(frames.append)
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        controller.basins(
            HIMMELBLAU, DescentConfig(0.01, 2000), grid_starts(HIMMELBLAU.domain, 60)
        )
    assert got.args[1] is not None
    assert len(frames) >= 3 and controller.live and controller.running


def test_a_map_under_way_when_the_engine_dies_is_answered_none(qtbot, controller):
    progress = []
    controller.basinsProgress.connect(lambda tag, done, total: progress.append(done))
    tag = controller.basins(
        HIMMELBLAU, DescentConfig(0.01, 10**6), grid_starts(HIMMELBLAU.domain, 100)
    )
    qtbot.waitUntil(lambda: len(progress) >= 1, timeout=TIMEOUT)
    with qtbot.waitSignal(controller.basinsDone, timeout=TIMEOUT) as got:
        os.kill(controller.process.pid, signal.SIGKILL)
    assert got.args[0] == tag and got.args[1] is None
    assert "restarted" in got.args[2]
    qtbot.waitUntil(lambda: controller.process.is_alive(), timeout=TIMEOUT)
