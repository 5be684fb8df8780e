"""Qt signals carry ``True``, ``False`` and ``None`` 10^5 times without losing one.

PySide6 6.12.0 drops a reference to ``True``/``False`` on each emission; Python 3.11
then deallocates ``True`` and aborts (``Fatal Python error: bool_dealloc``) after a
few hundred emits, while 3.12 made those objects immortal and never notices. Which
PySide6 each Python may get (``pyproject.toml``) rests on this test.

Each case runs in its own interpreter (this file is also a script), so an abort is
reported as a failed test with its stderr instead of killing the pytest session.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import pytest

EMISSIONS = 100_000
SIGNALS = ("bool", "object", "int_object")
CONNECTIONS = ("direct", "queued")
# A guard against a hung child, not a speed target: one case takes a few seconds.
CHILD_TIMEOUT_S = 600
DONE = "all {count} emissions of {signal} ({connection}) arrived in order"


class Marker:
    """An ordinary object: unlike True, False and None on 3.12+ its reference count is real."""

    def __repr__(self) -> str:
        return "MARKER"


MARKER = Marker()


def expected_arguments(signal: str, count: int) -> list[tuple[Any, ...]]:
    """Return the arguments of the ``count`` emissions of ``signal``, in order."""
    # The marker shows a reference dropped or kept too many, which the singletons
    # cannot show on Python 3.12+, where their count never reaches zero.
    values: Sequence[Any] = (True, False) if signal == "bool" else (True, False, None, MARKER)
    carried = list(islice(cycle(values), count))
    if signal == "int_object":
        return [(index, value) for index, value in enumerate(carried)]
    return [(value,) for value in carried]


def stress(signal: str, connection: str, count: int) -> None:
    """Emit ``signal`` ``count`` times over ``connection``; fail unless all arrive in order."""
    from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

    class Emitter(QObject):
        flag = Signal(bool)
        value = Signal(object)
        pair = Signal(int, object)
        finished = Signal()

        def __init__(self, arguments: list[tuple[Any, ...]]) -> None:
            super().__init__()
            self.arguments = arguments
            self.signal = {"bool": self.flag, "object": self.value, "int_object": self.pair}

        @Slot()
        def run(self) -> None:
            emit = self.signal[signal].emit
            for arguments in self.arguments:
                emit(*arguments)
            self.finished.emit()

    class Receiver(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.received: list[tuple[Any, ...]] = []

        def _record(self, *arguments: Any) -> None:
            self.received.append(arguments)

        @Slot()
        def finish(self) -> None:
            QCoreApplication.quit()

        @Slot(bool)
        def on_flag(self, flag: bool) -> None:
            self._record(flag)

        @Slot(object)
        def on_value(self, value: object) -> None:
            self._record(value)

        @Slot(int, object)
        def on_pair(self, index: int, value: object) -> None:
            self._record(index, value)

    app = QCoreApplication.instance() or QCoreApplication([])
    arguments = expected_arguments(signal, count)
    emitter = Emitter(arguments)
    receiver = Receiver()
    slot = {"bool": receiver.on_flag, "object": receiver.on_value, "int_object": receiver.on_pair}
    kind = {
        "direct": Qt.ConnectionType.DirectConnection,
        "queued": Qt.ConnectionType.QueuedConnection,
    }[connection]
    emitter.signal[signal].connect(slot[signal], kind)
    marker_references = sys.getrefcount(MARKER)

    if connection == "direct":
        emitter.run()
    else:
        # The project's worker recipe: the emitter lives on its own thread and the
        # receiver (here the main thread) gets every emission through its event loop.
        thread = QThread()
        emitter.moveToThread(thread)
        thread.started.connect(emitter.run)
        emitter.finished.connect(thread.quit)
        # Queued to the receiver behind every emission, so the loop ends after the last
        # one was delivered, or lost: a missing emission fails, it does not hang. A slot
        # of a main-thread object, because a bare callable would run on the emitter's
        # thread, possibly before the loop below has started, and be ignored.
        emitter.finished.connect(receiver.finish, kind)
        thread.start()
        app.exec()
        thread.quit()
        thread.wait()

    received = receiver.received
    if len(received) != count:
        sys.exit(f"{len(received)} of {count} emissions of {signal} ({connection}) arrived")
    wrong = first_difference(received, arguments)
    if wrong is not None:
        sys.exit(
            f"emission {wrong} of {signal} ({connection}) carried {received[wrong]!r}, "
            f"not {arguments[wrong]!r}"
        )
    receiver.received.clear()
    if sys.getrefcount(MARKER) != marker_references:
        sys.exit(
            f"{signal} ({connection}) left an object with {sys.getrefcount(MARKER)} "
            f"references, not {marker_references}"
        )
    print(DONE.format(count=count, signal=signal, connection=connection))


def first_difference(received: list[tuple[Any, ...]], sent: list[tuple[Any, ...]]) -> int | None:
    """Return the index of the first emission that arrived changed, or None."""
    for index, (got, expected) in enumerate(zip(received, sent, strict=True)):
        # 1 == True, so equality alone would let a slot get an int for a bool.
        if [type(value) for value in got] != [type(value) for value in expected]:
            return index
        if got != expected:
            return index
    return None


@pytest.mark.parametrize("connection", CONNECTIONS)
@pytest.mark.parametrize("signal", SIGNALS)
def test_every_emission_arrives(signal: str, connection: str) -> None:
    child = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(Path(__file__)), signal, connection],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    report = f"exit status {child.returncode}\nstdout:\n{child.stdout}\nstderr:\n{child.stderr}"
    if child.returncode != 0:
        pytest.fail(report, pytrace=False)
    done = DONE.format(count=EMISSIONS, signal=signal, connection=connection)
    assert child.stdout.strip().splitlines()[-1:] == [done], report


def test_expected_arguments_cycle_through_the_singletons() -> None:
    assert expected_arguments("bool", 3) == [(True,), (False,), (True,)]
    assert expected_arguments("object", 5) == [(True,), (False,), (None,), (MARKER,), (True,)]
    assert expected_arguments("int_object", 3) == [(0, True), (1, False), (2, None)]


if __name__ == "__main__":
    stress(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else EMISSIONS)
