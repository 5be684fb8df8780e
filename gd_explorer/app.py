"""Command line and start-up: parse arguments, check for a display, open the window.

Qt is imported only after the arguments are parsed and a display is known to
exist, so ``--help`` and ``--version`` work anywhere, even without Qt's libraries.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gd_explorer import __version__

if TYPE_CHECKING:
    from gd_explorer.ui import MainWindow

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

    A ``QApplication`` must already exist.

    Parameters
    ----------
    args : argparse.Namespace
        The result of ``build_parser().parse_args``.

    Returns
    -------
    MainWindow
        The window, not yet shown.
    """
    from gd_explorer.ui import MainWindow

    window = MainWindow(use_gl=not args.no_gl)
    if args.lesson is not None:
        window.load_lesson(args.lesson)
    path = getattr(args, "file", None)
    if path is not None:
        # A file that cannot be read leaves the window open with the reason in its status bar.
        if path.lower().endswith(".json"):
            window.open_session(path)
        else:
            window.open_dataset(path)
    return window


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
        ``--version``), 2 on a usage error or when there is no display.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits for --help, --version and errors; report that as a status.
        return exit_.code if isinstance(exit_.code, int) else 2

    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # pyqtgraph caches compiled shaders for all GL views; without shared
        # contexts every view after the first renders blank. Must precede the app.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication([sys.argv[0] if sys.argv else "gd-explorer"])
    app.setApplicationName("Gradient Descent Explorer")
    app.setApplicationVersion(__version__)

    window = create_window(args)
    window.show()
    return app.exec()
