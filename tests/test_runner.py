"""The runner loop on its own (a thread stands in for the process): pacing and acks."""

import multiprocessing
import threading

import numpy as np
import pytest

from gd_explorer.engine import DescentConfig, LinearRegression, article_dataset, descend
from gd_explorer.runner import serve


@pytest.fixture
def runner():
    commands_out, commands_in = multiprocessing.Pipe(duplex=False)
    frames_out, frames_in = multiprocessing.Pipe(duplex=False)
    thread = threading.Thread(target=serve, args=(commands_out, frames_in), daemon=True)
    thread.start()

    def receive(timeout=10.0):
        assert frames_out.poll(timeout), "the runner sent nothing"
        return frames_out.recv()

    yield commands_in.send, receive
    commands_in.send(("stop",))
    thread.join(10)
    assert not thread.is_alive()


def test_a_run_that_ends_before_the_ack_still_sends_its_last_frame(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 40)  # over within one tick, long before the ack below
    send(("speed", 0.0))
    send(("start", problem, config, 1, False))
    frames = [receive()]
    assert frames[0][0] == "frame" and frames[0][2] == 0  # the start point, at once
    while frames[-1][8] == "running":  # however the steps were split, the end must come
        send(("ack",))
        frames.append(receive())
    last = frames[-1]
    assert last[0] == "frame" and last[8] == "max_steps" and last[7] == 40
    expected = descend(problem, config)
    np.testing.assert_array_equal(np.vstack([f[3] for f in frames]), expected.params)


def test_no_frame_is_sent_until_the_last_one_was_drawn(runner):
    send, receive = runner
    send(("speed", 0.0))
    send(("start", LinearRegression(article_dataset()), DescentConfig(1e-7, 10**7), 1, False))
    assert receive()[0] == "frame"
    send(("probe",))
    probed = receive()
    # Only a probe answer came: without an ack, no second frame was sent.
    assert probed[0] == "probed" and probed[1] > 0


def test_a_probe_without_a_run_reports_minus_one(runner):
    send, receive = runner
    send(("probe",))
    assert receive() == ("probed", -1)


def test_grids_are_computed_on_request(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    m_values, b_values = np.linspace(0, 2, 5), np.linspace(1, 4, 3)
    send(("grids", 7, problem, [(m_values, b_values)]))
    tag, costs = receive()[1:]
    assert tag == 7
    from gd_explorer.engine import cost_grid

    np.testing.assert_array_equal(costs[0], cost_grid(problem, m_values, b_values))


def test_maps_are_made_aside_and_only_the_newest_waiting_request_is_kept(runner, monkeypatch):
    import gd_explorer.runner as runner_module

    entered, release = threading.Event(), threading.Event()

    def slow_grid(problem, m_values, b_values):
        if not entered.is_set():  # the first map takes as long as the test says
            entered.set()
            assert release.wait(10)
        return np.full((len(m_values), len(b_values)), float(len(m_values)))

    monkeypatch.setattr(runner_module, "cost_grid", slow_grid)
    send, receive = runner
    problem = LinearRegression(article_dataset())
    axes = {tag: [(np.zeros(tag), np.zeros(2))] for tag in (1, 2, 3)}
    send(("grids", 1, problem, axes[1]))
    assert entered.wait(10)
    send(("grids", 2, problem, axes[2]))
    send(("grids", 3, problem, axes[3]))  # replaces 2, which has not started
    send(("probe",))
    assert receive() == ("probed", -1)  # commands are answered while a map is made
    release.set()
    answers = [receive(), receive()]
    assert [(a[0], a[1], a[2][0][0, 0]) for a in answers] == [("grids", 1, 1.0), ("grids", 3, 3.0)]
    send(("probe",))
    assert receive() == ("probed", -1)  # and map 2 never came


def test_a_map_that_fails_is_answered_with_none(runner, monkeypatch):
    import gd_explorer.runner as runner_module

    def failing_grid(problem, m_values, b_values):
        raise ValueError("no map")

    monkeypatch.setattr(runner_module, "cost_grid", failing_grid)
    send, receive = runner
    send(("grids", 4, LinearRegression(article_dataset()), [(np.zeros(2), np.zeros(2))]))
    assert receive() == ("grids", 4, None)


def test_a_command_that_raises_ends_the_run_as_failed_and_the_runner_carries_on(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    send(("speed", 10.0))
    send(("start", problem, DescentConfig(1e-6, 10**6), 3, False))
    assert receive()[0] == "frame"
    send(("speed", "fast"))  # float("fast") raises inside the command
    message = receive()
    while message[0] == "frame":
        message = receive()
    assert message[0] == "failed" and message[1] == 3
    assert "ValueError" in message[2] and "fast" in message[2]
    send(("probe",))
    assert receive() == ("probed", -1)  # the failed run was dropped
    send(("speed", 0.0))
    send(("start", problem, DescentConfig(0.01, 40), 4, False))
    frames = [receive()]
    while frames[-1][8] == "running":
        send(("ack",))
        frames.append(receive())
    assert frames[-1][1] == 4 and frames[-1][8] == "max_steps"  # the next run works


def test_an_exception_while_stepping_keeps_the_steps_taken_and_names_the_reason(
    runner, monkeypatch
):
    from gd_explorer.engine import Descent

    original = Descent.advance

    def advance(self, max_steps):
        if self.step >= 5:
            raise OverflowError("planted overflow")
        return original(self, min(max_steps, 5 - self.step))

    monkeypatch.setattr(Descent, "advance", advance)
    send, receive = runner
    send(("start", LinearRegression(article_dataset()), DescentConfig(0.01, 100), 9, False))
    messages = [receive()]
    while messages[-1][0] == "frame":
        send(("ack",))
        messages.append(receive())
    failed = messages[-1]
    assert failed[:2] == ("failed", 9)
    assert "OverflowError" in failed[2] and "planted overflow" in failed[2]
    # Every step taken before the failure reached the window.
    assert messages[-2][0] == "frame" and messages[-2][7] == 5
    assert sum(len(m[4]) for m in messages[:-1]) == 6
