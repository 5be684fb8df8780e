"""Command line and start-up: parse arguments, check for a display, open the window.

Qt is imported only after the arguments are parsed and a display is known to
exist, so ``--help`` and ``--version`` work anywhere, even without Qt's libraries.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gd_explorer import __version__

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from gd_explorer.ui import MainWindow

#: Milliseconds between the moments Qt's loop lets Python run a signal handler (Ctrl+C).
SIGNAL_POLL_MS = 200
#: The objectName of the message box that says why FILE could not be opened.
OPEN_PROBLEM_NAME = "openProblem"

NO_DISPLAY_MESSAGE = (
    "gd-explorer: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); "
    "run it on a desktop, or headless under xvfb-run."
)


def _lesson_id(value: str) -> str:
    """Accept ``value`` only if it names a lesson; the error lists the valid ids."""
    from gd_explorer.lessons import LESSONS  # lazy: keeps --help and --version light

    ids = [lesson.id for lesson in LESSONS]
    if value not in ids:
        raise argparse.ArgumentTypeError(
            f"unknown lesson {value!r}; choose one of: {', '.join(ids)}"
        )
    return value


def _existing_file(value: str) -> str:
    """Accept ``value`` only if it is a file that exists, so a typo fails before Qt starts."""
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is a folder: give a session (.json) or dataset (.csv) file in it"
        )
    if os.path.exists(value) and not os.path.isfile(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a device or a pipe, not a file")
    if os.path.islink(value) and not os.path.exists(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is a link that leads to no file (its target is missing, or a loop)"
        )
    if not os.path.isfile(value):
        raise argparse.ArgumentTypeError(f"no such file: {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser.

    Returns
    -------
    argparse.ArgumentParser
        The parser for ``gd-explorer`` / ``python -m gd_explorer``.
    """
    parser = argparse.ArgumentParser(
        prog="gd-explorer",
        description="Watch gradient descent fit a dataset you edit with the mouse.",
        epilog="To make a GIF or PNG of a lesson without opening the window, or a "
        "NumPy script or Jupyter notebook of its run, see 'gd-explorer export --help'.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--no-gl",
        action="store_true",
        help="do not use OpenGL: show a text panel instead of the 3-D cost surface",
    )
    parser.add_argument(
        "--lesson",
        metavar="ID",
        type=_lesson_id,
        help="open with a classroom lesson loaded, e.g. 'overshoot'",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        type=_existing_file,
        help="a saved session (.json) or a dataset (.csv) to open",
    )
    return parser


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 2:
        raise argparse.ArgumentTypeError(f"need at least 2, not {number}")
    return number


#: The largest side of a picture ``export`` makes, in pixels.
MAX_PICTURE_SIDE = 8192


def _size(value: str) -> tuple[int, int]:
    """Parse ``WxH`` (e.g. ``960x600``) into a width and a height."""
    width, sep, height = value.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if not sep or min(size) < 32 or max(size) > MAX_PICTURE_SIDE:
        raise argparse.ArgumentTypeError(
            f"size must be WIDTHxHEIGHT, each 32 to {MAX_PICTURE_SIDE} pixels (e.g. 960x600), "
            f"not {value!r}"
        )
    return size


def build_export_parser() -> argparse.ArgumentParser:
    """Return the parser for ``gd-explorer export``.

    Returns
    -------
    argparse.ArgumentParser
        The parser for the arguments after the word ``export``.
    """
    parser = argparse.ArgumentParser(
        prog="gd-explorer export",
        description="Run a lesson to its end without opening a window and save it: an "
        "animated GIF of the run and/or a PNG of the whole window at the end, and the run "
        "as a Python script or a Jupyter notebook that needs only NumPy and repeats its "
        "numbers exactly. No display is needed (Qt's offscreen platform), so there is no "
        "OpenGL: the 3-D cost surface appears as its text panel in the pictures.",
    )
    parser.add_argument(
        "--lesson",
        metavar="ID",
        type=_lesson_id,
        required=True,
        help="the lesson to run, e.g. 'overshoot'",
    )
    parser.add_argument("--gif", metavar="FILE", help="write an animated GIF of the run")
    parser.add_argument("--png", metavar="FILE", help="write a PNG of the window at the end")
    parser.add_argument(
        "--script",
        metavar="FILE",
        help="write the run as a Python script (NumPy only) that prints its final point",
    )
    parser.add_argument(
        "--notebook", metavar="FILE", help="write the run as a Jupyter notebook (.ipynb)"
    )
    parser.add_argument(
        "--frames",
        metavar="N",
        type=_positive_int,
        default=40,
        help="frames in the GIF, evenly spaced over the run (default: 40)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size,
        default=(960, 600),
        help="the GIF's size in pixels (default: 960x600)",
    )
    return parser


#: How long ``export`` waits for a lesson's run to end, in milliseconds.
EXPORT_RUN_TIMEOUT_MS = 120_000
#: The window's size when exporting, so the pictures do not depend on the user's screen.
EXPORT_WINDOW_SIZE = (1280, 800)


def _wait_for_run(window: MainWindow, timeout_ms: int) -> bool:
    """Run Qt's event loop until the window's run has ended; False on timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)

    def check() -> None:
        trajectory = window.trajectory
        if trajectory is None or trajectory.status != "running":
            loop.quit()

    poll.timeout.connect(check)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(timeout_ms)
    loop.exec()
    poll.stop()
    timed_out = not deadline.isActive()
    deadline.stop()
    trajectory = window.trajectory
    return not timed_out and trajectory is not None and trajectory.status != "running"


def export_main(argv: Sequence[str]) -> int:
    """Run ``gd-explorer export``: a lesson's run to GIF, PNG, script or notebook.

    Parameters
    ----------
    argv : sequence of str
        The arguments after the word ``export``.

    Returns
    -------
    int
        0 when the files were written, 1 when an export failed, 2 on a usage error.
    """
    parser = build_export_parser()
    try:
        args = parser.parse_args(argv)
        if all(getattr(args, kind) is None for kind in ("gif", "png", "script", "notebook")):
            parser.error(
                "nothing to export: give --gif FILE, --png FILE, --script FILE and/or "
                "--notebook FILE"
            )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.script is not None or args.notebook is not None:
        try:
            said = _export_code(args.lesson, args.script, args.notebook)
        except ValueError as error:  # a ScriptError: the file could not be written
            print(f"gd-explorer export: {error}", file=sys.stderr)
            return 1
        print(said)
    if args.gif is None and args.png is None:
        return 0
    return _export_pictures(args)


def _export_code(lesson_id: str, script: str | None, notebook: str | None) -> str:
    """Run a lesson's (first) run with the engine and write it as a script and/or notebook.

    No Qt: the engine alone runs the lesson, with its data standardised if the lesson says.
    Returns what was written, in words. Raises ScriptError (a ValueError) with the reason.
    """
    from gd_explorer.engine import descend, standardise
    from gd_explorer.lessons import get_lesson
    from gd_explorer.run_script import write_run_notebook, write_run_script

    lesson = get_lesson(lesson_id)
    problem, config = lesson.problem, lesson.config
    scaling = standardise(problem.data) if lesson.scaling and lesson.function is None else None
    trajectory = descend(problem if scaling is None else scaling.problem(problem), config)
    written = []
    for path, write in ((script, write_run_script), (notebook, write_run_notebook)):
        if path is not None:
            write(path, problem, config, trajectory.seed, scaling)
            written.append(path)
    return (
        f"lesson {lesson_id!r}: {trajectory.steps} steps, {trajectory.status}; "
        f"wrote {', '.join(written)}"
    )


#: Why the 3-D view of ``export``'s pictures is its text panel, finishing the sentence
#: "The 3-D view needs OpenGL, and ...".
EXPORT_WITHOUT_GL = "gd-explorer export draws its pictures off screen, where there is none"


def export_window(folder: str) -> MainWindow:
    """Return the window ``export`` draws its pictures with: off screen, without OpenGL.

    It keeps its settings and autosaves in ``folder``: the pictures do not depend on
    (or change) the user's. A ``QApplication`` must exist.
    """
    from PySide6.QtCore import QRect, QSettings, Qt

    from gd_explorer.ui import MainWindow
    from gd_explorer.ui.surface_view import SurfaceFallback

    store = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
    # Offscreen has no OpenGL context: the 3-D view is its text panel, which says why.
    window = MainWindow(use_gl=False, store=store, data_folder=Path(folder) / "data")
    if isinstance(window.surface, SurfaceFallback):
        window.surface.explain(EXPORT_WITHOUT_GL)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    # Off screen there is no screen to fit: Qt's stand-in (800x600) would squeeze the
    # window the pictures are of, so it may take up to the largest picture asked for.
    window.set_screen_area(QRect(0, 0, MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
    window.resize(*EXPORT_WINDOW_SIZE)
    return window


def _export_pictures(args: argparse.Namespace) -> int:
    """Run the lesson in an offscreen window and write its GIF and/or PNG."""
    # Before Qt is imported: no display server is needed (or touched).
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import tempfile

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from gd_explorer.ui.export import ExportError, export_window_png

    app = QApplication.instance() or QApplication(["gd-explorer"])
    with tempfile.TemporaryDirectory(prefix="gd-explorer-export-") as folder:
        window = export_window(folder)
        try:
            window.load_lesson(args.lesson)
            window.predict.dismiss()  # no class to ask: the picture is of the run
            window.explorer.set_settings(
                window.settings.replace(speed=0.0), from_panel=False
            )  # as fast as it can
            window.show()  # lays the views out; nothing reaches a screen
            app.processEvents()
            window.toggle_run()
            if not _wait_for_run(window, EXPORT_RUN_TIMEOUT_MS):
                seconds = EXPORT_RUN_TIMEOUT_MS // 1000
                print(
                    f"gd-explorer export: the lesson's run did not end within {seconds} s",
                    file=sys.stderr,
                )
                return 1
            app.processEvents()
            trajectory = window.trajectory
            assert trajectory is not None
            written = []
            if args.gif is not None:
                window.export_gif(args.gif, frames=args.frames, size=args.size)
                written.append(f"{args.gif} ({args.frames} frames, {args.size[0]}x{args.size[1]})")
            if args.png is not None:
                export_window_png(window, args.png)
                written.append(args.png)
        except ExportError as error:
            print(f"gd-explorer export: {error}", file=sys.stderr)
            return 1
        finally:
            window.controller.shutdown()
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            window.hide()
            window.deleteLater()
    print(
        f"lesson {args.lesson!r}: {trajectory.steps} steps, {trajectory.status}; "
        f"wrote {', '.join(written)}"
    )
    return 0


def display_problem() -> str | None:
    """Say why Qt could not open a window here, or return None if it can.

    Without this check Qt's xcb plugin aborts the interpreter with a long message
    that does not tell a learner what to do.

    Returns
    -------
    str or None
        A one-line explanation when on Linux with no display and no explicit
        ``QT_QPA_PLATFORM``; None otherwise.
    """
    if not sys.platform.startswith("linux"):
        return None
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return NO_DISPLAY_MESSAGE


def create_window(args: argparse.Namespace) -> MainWindow:
    """Build the main window the parsed arguments ask for.

    A ``QApplication`` must already exist. Whatever goes wrong while opening
    ``FILE``, the window opens with its usual data (or the lesson asked for) and
    says why, in its status bar and in a message box shown with it.

    Parameters
    ----------
    args : argparse.Namespace
        The result of ``build_parser().parse_args``.

    Returns
    -------
    MainWindow
        The window, not yet shown.
    """
    window = _new_window(args)
    path = getattr(args, "file", None)
    if path is None:
        return window
    name = os.path.basename(path) or path
    try:
        opened = _open_file(window, path)
    except Exception as error:  # whatever a loader raises, the program still opens
        # The failed load may have left the window half-changed: start afresh. The
        # broken window is never closed, so it saves none of its state.
        window.release()
        window.deleteLater()
        window = _new_window(args)
        problem = (
            f"{name} could not be opened ({type(error).__name__}: {error}); "
            "the explorer opened with its usual data instead."
        )
        window.statusBar().showMessage(problem)
    else:
        if opened:
            return window
        problem = window.statusBar().currentMessage() or f"{name} could not be opened."
        window.statusBar().showMessage(problem)  # kept until replaced, not for seconds
    _show_when_open(window, f"Cannot open {name}", problem)
    return window


def _new_window(args: argparse.Namespace) -> MainWindow:
    from gd_explorer.ui import MainWindow

    window = MainWindow(use_gl=not args.no_gl)
    if args.lesson is not None:
        window.load_lesson(args.lesson)
    return window


def _open_file(window: MainWindow, path: str) -> bool:
    """Open a session (``.json``) or a dataset; False when the window said why not."""
    if path.lower().endswith(".json"):
        return window.open_session(path)
    return window.open_dataset(path)


def _show_when_open(window: MainWindow, title: str, text: str) -> None:
    """Show ``text`` in a message box over ``window`` once the event loop runs."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName(OPEN_PROBLEM_NAME)
    # Window-modal and opened, not exec()'d: nothing waits for it, a quit still quits.
    box.setWindowModality(Qt.WindowModality.WindowModal)
    QTimer.singleShot(0, box.open)


@contextmanager
def _closing_on_interrupt(
    window: Callable[[], MainWindow | None], app: QCoreApplication
) -> Iterator[list[bool]]:
    """Let Ctrl+C in the terminal close the window and quit while the block runs.

    Python runs a signal handler only between its own bytecodes, never while Qt's
    loop waits in C++: a timer gives it that moment a few times a second. The
    previous handler comes back afterwards. ``window`` gives the window once it
    exists: Ctrl+C while FILE is still being read (before there is a window to
    close) ends that read. The list yielded becomes non-empty once Ctrl+C was pressed.
    """
    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed  # only the main thread may set signal handlers
        return
    from PySide6.QtCore import QTimer

    def quit_now() -> None:
        # As if the user closed it (the engine stops, settings are kept), but without a
        # question: unsaved data stays in the autosave, offered at the next start.
        pressed.append(True)
        current = window()
        if current is None:
            # FILE is still being read: exit() ends the read's loop, which quit() leaves.
            app.exit(0)
            return
        current.confirm_unsaved = False
        current.close()
        app.quit()  # also ends a dialog's loop, which a close alone would leave open

    def interrupted(signum: int, frame: object) -> None:
        # Not here and now: the handler can run in the middle of any Python code.
        QTimer.singleShot(0, quit_now)

    previous = signal.signal(signal.SIGINT, interrupted)
    poll = QTimer()
    poll.timeout.connect(lambda: None)
    poll.start(SIGNAL_POLL_MS)
    try:
        yield pressed
    finally:
        poll.stop()
        signal.signal(signal.SIGINT, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run Gradient Descent Explorer.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments without the program name; ``sys.argv[1:]`` if None.

    Returns
    -------
    int
        The exit status: 0 on a normal exit (also after ``--help`` and
        ``--version``), 2 on a usage error or when there is no display; for
        ``export``, see :func:`export_main`.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["export"]:
        return export_main(arguments[1:])
    try:
        args = build_parser().parse_args(arguments)
    except SystemExit as exit_:
        # argparse exits for --help, --version and errors; report that as a status.
        return exit_.code if isinstance(exit_.code, int) else 2

    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from gd_explorer.worker import stop_all_engines

    app = QApplication.instance()
    if app is None:
        # pyqtgraph caches compiled shaders for all GL views; without shared
        # contexts every view after the first renders blank. Must precede the app.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication([sys.argv[0] if sys.argv else "gd-explorer"])
    app.setApplicationName("Gradient Descent Explorer")
    app.setApplicationVersion(__version__)

    window: MainWindow | None = None
    status = 0
    try:
        # Ctrl+C is answered from here on: reading a large FILE can take a while.
        with _closing_on_interrupt(lambda: window, app) as interrupted:
            window = create_window(args)
            # However the loop ends (last window closed, quit(), Ctrl+C), the engine and
            # OpenGL are released while the application still exists.
            app.aboutToQuit.connect(window.release)
            if not interrupted:  # Ctrl+C while FILE was read: quit without showing it
                window.show()
                # Once the window is up: offer what a window that did not close left unsaved.
                QTimer.singleShot(0, window.offer_recovery)
                status = app.exec()
    finally:
        # Also after an exception: a thread left running aborts the interpreter at exit.
        stop_all_engines()
        if window is not None:
            window.release()
            # Delete the window while the application exists: an OpenGL view destroyed
            # after it (at interpreter exit) can crash the process on its way out.
            window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return status
