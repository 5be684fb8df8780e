"""Soak test: thousands of careless actions on the real window, counting what went wrong.

Runs the window (on the display there is, else offscreen) and drives it from a timer,
as fast as the event loop allows, with a seeded random mix of what a class does to it:
run / pause / step / reset, model, descent and learning-rate changes (diverging rates
among them), undo and redo, and data edits while runs go on (adding, moving and removing
points, editing table cells). Everything that could go wrong is counted:

- Qt warnings and criticals (a message handler),
- Python exceptions anywhere (``sys.excepthook``, ``threading.excepthook``, and any
  exception raised inside a Qt virtual, which Qt reports through the hook),
- numpy and other warnings (``warnings.showwarning``),
- threads and child processes left behind after the window closed,
- resident memory growth from after the warm-up to the end.

A crash is the child process dying: ``--repeat N`` runs N soaks, each in its own process,
and counts those too. Exit status 0 only when every count is zero and memory grew less
than ``--max-rss-growth`` MB.

    xvfb-run -a -s "-screen 0 1280x800x24" python benchmarks/soak.py --repeat 5
    python benchmarks/soak.py --short        # about a tenth: what CI runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The full soak: run cycles and data edits, as the issue that asked for it counts them.
CYCLES, EDITS = 1000, 5000
#: Actions between two turns of the event loop.
ACTIONS_PER_TURN = 4


def rss_mb() -> float:
    """Return this process's resident memory in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Counts:
    """What went wrong, by kind, with the first few messages of each."""

    def __init__(self) -> None:
        self.by_kind: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}

    def add(self, kind: str, message: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < 3:
            shown.append(message[-1200:])


def soak(cycles: int, edits: int, seed: int) -> dict[str, object]:
    """Run one soak in this process and return its figures."""
    os.environ.setdefault(
        "QT_QPA_PLATFORM",
        "xcb" if os.environ.get("DISPLAY") else "offscreen",
    )
    folder = Path(tempfile.mkdtemp(prefix="gd-explorer-soak-"))
    # Autosaves and settings go to a throw-away folder, never the user's.
    os.environ["GD_EXPLORER_DATA_DIR"] = str(folder / "data")
    import multiprocessing

    import numpy as np
    from PySide6.QtCore import (
        QCoreApplication,
        QSettings,
        Qt,
        QTimer,
        QtMsgType,
        qInstallMessageHandler,
    )
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    counts = Counts()

    def on_qt_message(kind: QtMsgType, context: object, message: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            counts.add("qt warnings", message)

    def on_exception(kind: type[BaseException], value: BaseException, tb: object) -> None:
        import traceback

        counts.add("python exceptions", "".join(traceback.format_exception(kind, value, tb)))

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        on_exception(args.exc_type, args.exc_value or Exception(), args.exc_traceback)

    def on_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
        counts.add("warnings", f"{category.__name__}: {message} ({filename}:{lineno})")

    qInstallMessageHandler(on_qt_message)
    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
    warnings.simplefilter("always")
    warnings.showwarning = on_warning

    app = QApplication.instance() or QApplication(["soak"])
    from gd_explorer.ui import MainWindow

    store = QSettings(str(folder / "soak.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store, data_folder=folder / "data")
    window.confirm_unsaved = False  # a question about unsaved data would wait for ever
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    rng = random.Random(seed)
    done = {"cycles": 0, "edits": 0}
    diverged: set[int] = set()  # the runs (generations) that diverged

    def on_frame(frame: object) -> None:
        if getattr(frame, "diverged_at", None) is not None:
            diverged.add(frame.generation)  # type: ignore[attr-defined]

    window.controller.frame.connect(on_frame)
    state = {"rss_start": 0.0, "warm": 50}
    models = ("linear", "logistic")
    variants = ("batch", "stochastic", "minibatch")

    def edit() -> None:
        data = window.dataset
        n = len(data)
        x_lo, x_hi = float(np.min(data.x)), float(np.max(data.x))
        x = rng.uniform(x_lo - 2, x_hi + 2)
        y = (
            float(rng.choice((0, 1)))
            if window.settings.model == "logistic"
            else rng.uniform(0, 12)
        )
        roll = rng.random()
        if roll < 0.4 or n <= 3:
            window.data_view.pointAdded.emit(x, y)
        elif roll < 0.75:
            window.data_view.pointMoved.emit(rng.randrange(n), x, y)
        elif roll < 0.9:
            window.data_view.pointRemoved.emit(rng.randrange(n))
        else:
            window.table.cellEdited.emit(rng.randrange(n), 0, x)
        done["edits"] += 1

    def cycle() -> None:
        roll = rng.random()
        settings = window.settings
        if roll < 0.3:
            window.action_run.trigger()
        elif roll < 0.4:
            window.action_step.trigger()
        elif roll < 0.5:
            window.action_reset.trigger()
        elif roll < 0.6:
            window.explorer.set_settings(
                settings.replace(model=rng.choice(models)), from_panel=False
            )
        elif roll < 0.7:
            window.explorer.set_settings(
                settings.replace(variant=rng.choice(variants)), from_panel=False
            )
        elif roll < 0.85:
            # Log-uniform over the whole control: about a third of these diverge.
            rate = 10 ** rng.uniform(-4, 1)
            window.explorer.set_settings(settings.replace(learning_rate=rate), from_panel=False)
        elif roll < 0.92:
            window.undo_stack.undo()
        else:
            window.undo_stack.redo()
        done["cycles"] += 1

    total = cycles + edits
    plan = ["cycle"] * cycles + ["edit"] * edits
    rng.shuffle(plan)
    started = time.perf_counter()

    def act() -> None:
        if state["warm"]:
            state["warm"] -= 1
            if not state["warm"]:
                state["rss_start"] = rss_mb()
        if not plan:
            timer.stop()
            app.exit(0)  # quit() would close the window first
            return
        # A few actions a turn of the event loop, as a quick hand does between two
        # frames; the frames, maps and autosaves of each turn are drawn and written.
        for _ in range(min(ACTIONS_PER_TURN, len(plan))):
            # A run going on while most edits happen: start one when none runs.
            if not window.controller.running and rng.random() < 0.5:
                window.action_run.trigger()
            (cycle if plan.pop() == "cycle" else edit)()

    timer = QTimer()
    timer.timeout.connect(act)
    timer.start(0)
    app.exec()
    seconds = time.perf_counter() - started
    window.flush_autosave()
    rss_end = rss_mb()
    window.close()
    window.deleteLater()
    from PySide6.QtCore import QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    children = multiprocessing.active_children()
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    return {
        "actions": total,
        "cycles": done["cycles"],
        "edits": done["edits"],
        "runs_diverged": len(diverged),
        "seconds": round(seconds, 1),
        "problems": counts.by_kind,
        "examples": counts.examples,
        "processes_left": len(children),
        "threads_left": threads,
        "rss_start_mb": round(state["rss_start"], 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_growth_mb": round(rss_end - state["rss_start"], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a tenth of the full soak (CI)")
    parser.add_argument("--repeat", type=int, default=1, help="soaks, each in a new process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-rss-growth", type=float, default=50.0, metavar="MB")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cycles, edits = (CYCLES // 10, EDITS // 10) if args.short else (CYCLES, EDITS)
    if args.child:
        print(json.dumps(soak(cycles, edits, args.seed)), flush=True)
        return 0
    failures = 0
    print(f"{cycles} run cycles and {edits} data edits per soak, {args.repeat} soak(s)")
    for number in range(args.repeat):
        command = [sys.executable, __file__, "--child", "--seed", str(args.seed + number)]
        if args.short:
            command.append("--short")
        child = subprocess.run(command, capture_output=True, text=True, timeout=900)
        lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
        if child.returncode != 0 or not lines:
            failures += 1
            print(f"soak {number + 1}: CRASHED (exit {child.returncode})")
            print(child.stderr[-3000:])
            continue
        result = json.loads(lines[-1])
        problems = result["problems"]
        bad = (
            bool(problems)
            or result["processes_left"]
            or result["threads_left"]
            or result["rss_growth_mb"] > args.max_rss_growth
        )
        failures += bool(bad)
        print(
            f"soak {number + 1}: {'FAILED' if bad else 'ok'}; {result['cycles']} cycles, "
            f"{result['edits']} edits, {result['runs_diverged']} runs diverged, "
            f"{result['seconds']} s; problems {problems or 'none'}; processes left "
            f"{result['processes_left']}, threads left {result['threads_left'] or 'none'}; "
            f"RSS {result['rss_start_mb']} → {result['rss_end_mb']} MB "
            f"(+{result['rss_growth_mb']})"
        )
        for kind, examples in result["examples"].items():
            for example in examples:
                print(f"  {kind}: {example}")
    print(f"{args.repeat - failures} of {args.repeat} soaks clean")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
