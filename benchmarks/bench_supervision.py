"""Benchmark the engine's supervision: restarting a killed engine against starting one.

Usage (no display needed)::

    python benchmarks/bench_supervision.py [--rounds 5]

What is measured, in the same run:

* **Start** (the baseline): seconds from a new ``DescentController`` to its engine's
  process answering a probe (spawning a Python process and importing the engine).
* **Restart**: seconds from ``SIGKILL`` of the engine's process mid-run to the new
  process answering a probe (noticing the death, marking the run failed, spawning).
* **Stall**: the longest gap of a 5 ms heartbeat timer on the window's thread during
  each restart, against its longest gap over the same rounds while a run goes on
  undisturbed: what the restart costs the window's responsiveness.

Figures are printed as medians and as ratios to the baseline, never asserted.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer  # noqa: E402

from gd_explorer.engine import DescentConfig, LinearRegression, article_dataset  # noqa: E402
from gd_explorer.worker import DescentController  # noqa: E402

LINE = LinearRegression(article_dataset())


class Heartbeat:
    """A 5 ms timer on this thread; its longest gap is the longest stall."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return self.longest


def wait_for(signal_instance, trigger, timeout_s: float = 60.0) -> None:
    """Run the event loop until ``signal_instance`` fires after ``trigger()``."""
    loop = QEventLoop()
    signal_instance.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    trigger()
    loop.exec()
    signal_instance.disconnect(loop.quit)


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def one_round(heartbeat: Heartbeat) -> tuple[float, float, float, float]:
    began = time.perf_counter()
    controller = DescentController()
    wait_for(controller.probed, controller.probe)
    start = time.perf_counter() - began
    controller.set_speed(1000)
    controller.start(LINE, DescentConfig(1e-6, 10**7))
    heartbeat.start()
    spin(1.0)
    calm = heartbeat.stop()
    heartbeat.start()
    began = time.perf_counter()
    wait_for(controller.failed, lambda: os.kill(controller.process.pid, signal.SIGKILL))
    wait_for(controller.probed, controller.probe)
    restart = time.perf_counter() - began
    stall = heartbeat.stop()
    assert controller.record is not None and controller.record.status == "failed"
    controller.shutdown()
    return start, restart, calm, stall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    QCoreApplication([])
    heartbeat = Heartbeat()
    rounds = [one_round(heartbeat) for _ in range(args.rounds)]
    start, restart, calm, stall = (
        statistics.median(column) for column in zip(*rounds, strict=True)
    )
    print(f"rounds: {args.rounds} (medians)")
    print(f"start   (baseline): {start * 1000:8.1f} ms to the first answer")
    print(
        f"restart           : {restart * 1000:8.1f} ms from SIGKILL to the new engine's answer"
        f"  = {restart / start:.2f} x start"
    )
    print(f"stall, run going  : {calm * 1000:8.1f} ms longest heartbeat gap (baseline)")
    print(
        f"stall, restarting : {stall * 1000:8.1f} ms longest heartbeat gap"
        f"  = {stall / calm:.2f} x baseline"
    )


if __name__ == "__main__":
    main()
