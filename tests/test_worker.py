"""The worker thread: frames, pause and step, stale runs, live edits, shutdown."""

import time

import numpy as np
import pytest

from gd_explorer.engine import (
    DescentConfig,
    LinearRegression,
    article_dataset,
    descend,
)
from gd_explorer.worker import DescentController, RunRecord

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def controller(qtbot):
    handle = DescentController()
    yield handle
    handle.shutdown()  # runs even when the test failed


@pytest.fixture
def line():
    return LinearRegression(article_dataset())


def wait_done(qtbot, controller, timeout=20_000):
    qtbot.waitUntil(lambda: controller.record.status != "running", timeout=timeout)


def assert_same(a, b):
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.grad, b.grad)
    assert a.status == b.status and a.message == b.message


@pytest.mark.parametrize("variant", ["batch", "stochastic", "minibatch"])
def test_a_run_in_the_worker_equals_descend(qtbot, controller, line, variant):
    config = DescentConfig(0.01, 4000, variant=variant, batch_size=3, seed=7)
    frames = []
    controller.frame.connect(frames.append)
    controller.start(line, config)
    wait_done(qtbot, controller)
    assert_same(controller.trajectory(), descend(line, config))
    # Frames tile the run: each starts where the previous ended.
    assert frames[0].first == 0
    for before, after in zip(frames, frames[1:], strict=False):
        assert after.first == before.first + len(before.cost)
    assert frames[-1].done and frames[-1].steps == 4000


def test_the_article_run_reaches_its_numbers(qtbot, controller, line):
    controller.start(line, DescentConfig(0.01, 4000))
    wait_done(qtbot, controller)
    run = controller.trajectory()
    assert run.status == "max_steps"
    assert run.final == pytest.approx((0.8450107631510549, 2.6022056448336817), rel=1e-9)


def test_pause_stops_and_step_takes_exactly_one(qtbot, controller, line):
    controller.set_speed(200)
    controller.start(line, DescentConfig(1e-4, 10**6))
    qtbot.waitUntil(lambda: controller.record.steps >= 5, timeout=10_000)
    controller.pause()
    with qtbot.waitSignal(controller.probed) as first:
        controller.probe()
    with qtbot.waitSignal(controller.probed) as second:
        controller.probe()
    assert first.args[0] == second.args[0] > 0  # no steps while paused
    qtbot.waitUntil(lambda: controller.record.steps == first.args[0], timeout=5_000)
    before = controller.record.steps
    with qtbot.waitSignal(controller.frame) as got:
        controller.step()
    frame = got.args[0]
    assert frame.steps == before + 1
    assert len(frame.cost) == 1 and frame.first == before + 1
    assert controller.record.steps == before + 1


def test_speed_limits_steps_per_second(qtbot, controller, line):
    controller.set_speed(20)
    started = time.perf_counter()
    controller.start(line, DescentConfig(1e-4, 1000))
    qtbot.waitUntil(lambda: controller.record.steps >= 6, timeout=10_000)
    # Six steps at 20 a second cannot take less than a quarter of a second.
    assert time.perf_counter() - started >= 5 / 20
    assert controller.record.status == "running"


def test_frames_of_an_older_run_are_dropped(qtbot, controller, line):
    controller.start(line, DescentConfig(1e-6, 10**7))
    qtbot.waitUntil(lambda: controller.record.steps > 0, timeout=10_000)
    config = DescentConfig(0.02, 300, variant="stochastic", seed=3)
    generation = controller.start(line, config)
    seen = []
    controller.frame.connect(lambda f: seen.append(f.generation))
    wait_done(qtbot, controller)
    assert set(seen) == {generation}
    assert_same(controller.trajectory(), descend(line, config))


def test_editing_data_mid_run_reshapes_the_cost(qtbot, controller, line):
    controller.set_speed(500)
    controller.start(line, DescentConfig(0.01, 400))
    qtbot.waitUntil(lambda: controller.record.steps >= 20, timeout=10_000)
    edited = LinearRegression(line.data.with_point(20.0, 0.0))
    controller.set_problem(edited)
    controller.set_speed(0)
    wait_done(qtbot, controller)
    run = controller.trajectory()
    assert run.status == "max_steps"
    # The last steps follow the edited cost, not the original one.
    np.testing.assert_allclose(run.cost[-1], edited.cost(run.params[-1]), rtol=1e-12)
    np.testing.assert_allclose(run.grad[-1], edited.gradient(run.params[-2]), rtol=1e-12)
    assert not np.isclose(run.cost[-1], line.cost(run.params[-1]))


def test_divergence_arrives_as_a_final_frame(qtbot, controller, line):
    controller.start(line, DescentConfig(1.0, 5, fixed={"b": 2.6}))
    wait_done(qtbot, controller)
    run = controller.trajectory()
    assert run.status == "diverged" and run.diverged_at == 4
    assert run.message.startswith("diverged at step 4")


def test_shutdown_mid_run_stops_the_thread_quietly(qtbot, line, qtlog):
    controller = DescentController()
    controller.start(line, DescentConfig(1e-6, 10**7))
    qtbot.waitUntil(lambda: controller.record.steps > 1000, timeout=10_000)
    controller.shutdown()
    assert not controller._thread.isRunning()
    controller.shutdown()  # twice is harmless
    assert not [m for m in qtlog.records if "QThread" in m.message]


def test_record_refuses_a_gap():
    record = RunRecord(DescentConfig(0.1, 10))
    from gd_explorer.messages import RunFrame

    frame = RunFrame(
        1, 3, np.zeros((1, 2)), np.zeros(1), np.zeros((1, 2)), None, 3, "running", "", None
    )
    with pytest.raises(ValueError, match="frame starts at 3, expected 0"):
        record.add(frame)


def test_a_paused_start_shows_the_start_and_waits_for_a_step(qtbot, controller, line):
    with qtbot.waitSignal(controller.frame) as got:
        controller.start(line, DescentConfig(0.01, 100, init=(1.0, 2.0)), paused=True)
    assert got.args[0].first == 0 and got.args[0].steps == 0
    np.testing.assert_array_equal(got.args[0].params, [[1.0, 2.0]])
    for expected in (1, 2):
        with qtbot.waitSignal(controller.frame) as got:
            controller.step()
        assert got.args[0].steps == expected
    assert controller.live and not controller.running


def test_discard_forgets_the_run(qtbot, controller, line):
    controller.start(line, DescentConfig(1e-6, 10**7))
    qtbot.waitUntil(lambda: controller.record.steps > 0, timeout=10_000)
    controller.discard()
    assert controller.trajectory() is None and not controller.live
    with qtbot.waitSignal(controller.probed) as got:
        controller.probe()
    assert got.args[0] == -1  # the worker holds no run any more


def test_an_exception_in_the_engine_ends_the_run_as_failed_and_the_next_run_works(
    qtbot, controller, line
):
    from tests.faults import BREAKING_SLOPE, BreaksPastSlope

    broken = BreaksPastSlope(line.data)
    controller.set_speed(2000)
    with qtbot.waitSignal(controller.failed, timeout=20_000) as failed:
        controller.start(broken, DescentConfig(1e-4, 4000, seed=1))
    reason = failed.args[0]
    assert "ArithmeticError" in reason and "planted fault" in reason
    record = controller.record
    assert record.status == "failed" and record.message == reason
    assert not controller.live and not controller.running
    run = controller.trajectory()
    assert run.status == "failed" and run.steps > 0  # the steps so far are kept
    assert run.params[-1, 0] <= BREAKING_SLOPE
    np.testing.assert_array_equal(run.params, descend(line, run.config).params[: run.steps + 1])
    # The engine's process lives on: the same controller runs the next run.
    assert controller.process.is_alive()
    config = DescentConfig(0.01, 300, seed=2)
    controller.set_speed(0)
    controller.start(line, config)
    wait_done(qtbot, controller)
    assert_same(controller.trajectory(), descend(line, config))


def test_an_engine_killed_mid_run_is_restarted_and_the_run_marked_failed(qtbot, controller, line):
    import os
    import signal

    controller.set_speed(500)
    controller.start(line, DescentConfig(1e-6, 10**6, seed=4))
    qtbot.waitUntil(lambda: controller.record.steps >= 20, timeout=20_000)
    killed = controller.process
    with qtbot.waitSignal(controller.failed, timeout=20_000) as failed:
        os.kill(killed.pid, signal.SIGKILL)
    reason = failed.args[0]
    assert "stopped unexpectedly" in reason and "signal 9" in reason and "restarted" in reason
    record = controller.record
    assert record.status == "failed" and reason in record.message
    steps = record.steps
    assert steps >= 20  # what was recorded stays
    assert not controller.live and not controller.running
    assert controller.process is not killed and controller.process.is_alive()
    assert controller._thread.isRunning()
    config = DescentConfig(0.01, 200, seed=5)
    controller.set_speed(0)
    controller.start(line, config)
    wait_done(qtbot, controller)
    assert_same(controller.trajectory(), descend(line, config))
    assert not killed.is_alive()


def test_an_engine_killed_without_a_run_is_restarted_quietly_and_maps_still_come(
    qtbot, controller, line
):
    import os
    import signal

    with qtbot.waitSignal(controller.probed, timeout=20_000):
        controller.probe()  # the process is up
    killed = controller.process
    with qtbot.waitSignal(controller.failed, timeout=20_000):
        os.kill(killed.pid, signal.SIGKILL)
    assert controller.record is None
    m_values, b_values = np.linspace(0, 2, 4), np.linspace(1, 3, 3)
    with qtbot.waitSignal(controller.gridsReady, timeout=20_000) as got:
        tag = controller.compute_grids(line, [(m_values, b_values)])
    assert got.args[0] == tag
    from gd_explorer.engine import cost_grid

    np.testing.assert_array_equal(got.args[1][0], cost_grid(line, m_values, b_values))


def test_an_engine_that_dies_as_it_starts_is_not_restarted_for_ever(
    qtbot, controller, line, monkeypatch
):
    import os
    import signal

    import gd_explorer.worker as worker_module
    from tests.faults import exit_at_once

    with qtbot.waitSignal(controller.probed, timeout=20_000):
        controller.probe()  # the first process is up and serving
    messages = []
    controller.failed.connect(messages.append)
    monkeypatch.setattr(worker_module, "engine_main", exit_at_once)  # a broken install
    os.kill(controller.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "could not be started" in "".join(messages), timeout=60_000)
    restarts = worker_module.RESTART_LIMIT
    assert len(messages) == restarts + 1
    assert all("restarted" in m for m in messages[:restarts])
    assert "status 3" in messages[-1]
    assert not controller.process.is_alive()  # no further attempt on its own
    # The next run the user starts tries again, and works once the fault is gone.
    monkeypatch.undo()
    config = DescentConfig(0.01, 100, seed=8)
    controller.start(line, config)
    wait_done(qtbot, controller)
    assert_same(controller.trajectory(), descend(line, config))
