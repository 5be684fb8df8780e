"""Open the explorer on data prepared in Python: a script, a console or a Jupyter notebook.

:func:`explore` checks the data and the settings first (a ``ValueError`` that says what
to change, before any window), then opens the window on them. In a notebook or an
IPython console whose Qt event loop runs (``%gui qt``) it returns at once and the
window stays open; elsewhere (a plain script) it runs Qt's event loop until the
window is closed. Nothing heavy is imported until it is called.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from gd_explorer.engine import Dataset
    from gd_explorer.state import ExplorerState
    from gd_explorer.ui import MainWindow

#: The windows opened without blocking, kept alive until they are closed.
_OPEN: list[MainWindow] = []


def explore(
    x: Any,
    y: Any = None,
    *,
    model: str | None = None,
    lesson: str | None = None,
    name: str = "",
    block: bool | None = None,
    use_gl: bool = True,
    **settings: Any,
) -> MainWindow | None:
    """Open Gradient Descent Explorer on your data.

    Parameters
    ----------
    x : array_like or table
        The inputs, one number per point. Or, with ``y`` left out, a table of two
        columns, x then y: a pandas or polars DataFrame, a NumPy array of shape (n, 2),
        or anything with ``to_numpy()`` or ``__array__``.
    y : array_like, optional
        The outputs, one per point; for ``model="logistic"`` each is a class, 0 or 1.
    model : {"linear", "logistic"}, optional
        The model to fit: least squares (the default) or logistic regression; with
        ``lesson``, the lesson's model by default.
    lesson : str, optional
        A lesson's id (see ``gd_explorer.lessons.LESSONS``) whose settings and text to
        use on your data, e.g. ``"stochastic"``.
    name : str, optional
        What to call the data in the window's title.
    block : bool, optional
        Whether to wait until the window is closed. By default, wait unless Qt's event
        loop already runs (IPython or Jupyter after ``%gui qt``, or a Qt program).
    use_gl : bool, optional
        False to show a text panel instead of the 3-D cost surface.
    **settings
        Any setting of the controls, e.g. ``learning_rate=0.05``, ``steps=500``,
        ``variant="minibatch"``, ``batch_size=4``, ``seed=7``, ``optimizer="adam"``,
        ``scaling=True``.

    Returns
    -------
    MainWindow or None
        The open window when the call returned at once (it stays open until closed);
        None after a blocking call, once the window has been closed.

    Raises
    ------
    ValueError
        Before any window opens, for data that cannot be used (lengths that differ,
        a missing or non-numeric value, a table without exactly two columns, classes
        other than 0 and 1 for logistic regression) or settings that are not valid.
    RuntimeError
        When there is no display to open a window on.

    Examples
    --------
    From a script (it waits until the window is closed)::

        import gd_explorer
        gd_explorer.explore([1, 2, 3, 4, 5], [1.2, 1.9, 3.2, 3.8, 5.1], learning_rate=0.05)

    In Jupyter, after ``%gui qt``, with a DataFrame of two columns (it returns at once)::

        window = gd_explorer.explore(frame[["hours", "score"]], lesson="mini-batch")
    """
    dataset = to_dataset(x, y, name)
    state = opening_state(dataset, model, lesson, settings)
    from gd_explorer.app import display_problem

    problem = display_problem()
    if problem is not None:
        raise RuntimeError(problem)
    return _open(state, block, use_gl)


def to_dataset(x: Any, y: Any = None, name: str = "") -> Dataset:
    """Return the points of ``x`` and ``y`` (or of a two-column table ``x``) as a Dataset.

    Raises
    ------
    ValueError
        Saying what is wrong with the data (a ``DatasetError``).
    """
    from gd_explorer.engine import Dataset, DatasetError

    if y is None:
        table = _array(x, "the table")
        if table.ndim != 2 or table.shape[1] != 2:
            raise DatasetError(
                f"give x and y, or one table of two columns (x, then y); this one has shape "
                f"{table.shape}" + (f", so {table.shape[1]} columns" if table.ndim == 2 else "")
            )
        xs, ys = table[:, 0], table[:, 1]
    else:
        xs, ys = _array(x, "x"), _array(y, "y")
        for values, what in ((xs, "x"), (ys, "y")):
            if values.ndim != 1:
                raise DatasetError(
                    f"{what} must be one column of numbers, one per point; got shape "
                    f"{values.shape}"
                )
    return Dataset(xs, ys, name)


def _array(values: Any, what: str) -> NDArray[Any]:
    """Return ``values`` as a NumPy array: a table's ``to_numpy()``, else ``np.asarray``."""
    import numpy as np

    from gd_explorer.engine import DatasetError

    if isinstance(values, str | bytes):
        raise DatasetError(f"{what} must be numbers, not the text {values!r}")
    to_numpy = getattr(values, "to_numpy", None)
    try:
        array = np.asarray(to_numpy() if callable(to_numpy) else values)
    except (TypeError, ValueError) as error:
        raise DatasetError(f"{what} cannot be read as numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        for index in np.ndindex(array.shape):
            value = array[index]
            try:
                float(value)
            except (TypeError, ValueError):
                where = f"row {index[0] + 1}" if index else "it"
                if len(index) > 1:
                    where += f", column {index[1] + 1},"
                raise DatasetError(
                    f"{what} must contain only numbers, but {where} is {str(value)!r}"
                ) from None
        array = array.astype(np.float64)
    return array


def opening_state(
    data: Dataset, model: str | None, lesson: str | None, settings: dict[str, Any]
) -> ExplorerState:
    """Return the explorer's state on ``data``: the lesson's runs, the model, the settings.

    Raises
    ------
    ValueError
        For an unknown lesson, model or setting, a lesson on a function, settings the
        engine refuses, or data the model cannot fit.
    """
    from dataclasses import fields, replace

    from gd_explorer.lessons import LESSONS, get_lesson
    from gd_explorer.settings import MODELS, Settings
    from gd_explorer.state import FUNCTION, ExplorerState

    state = ExplorerState.initial(Settings(), data)
    if lesson is not None:
        ids = [known.id for known in LESSONS]
        if lesson not in ids:
            raise ValueError(f"unknown lesson {lesson!r}; choose one of: {', '.join(ids)}")
        chosen = get_lesson(lesson)
        if chosen.function is not None:
            raise ValueError(
                f"lesson {lesson!r} is about a function, not data; choose a lesson on data"
            )
        state = replace(state.load_lesson(chosen, state.settings.speed)[0], data=data)
    chosen_model = model if model is not None else state.settings.model
    if chosen_model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, not {chosen_model!r}")
    known = {field.name for field in fields(Settings)} - {"model"} - FUNCTION - {"noise"}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ValueError(
            f"unknown setting {', '.join(map(repr, unknown))}; the settings are: "
            f"{', '.join(sorted(known))}"
        )
    wanted = state.settings.replace(model=chosen_model, **settings)
    return state.switch_model(wanted, data)[0]


def _open(state: ExplorerState, block: bool | None, use_gl: bool) -> MainWindow | None:
    """Open the window on ``state``; wait until it is closed if ``block`` (see explore)."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtWidgets import QApplication

    from gd_explorer.ui import MainWindow
    from gd_explorer.worker import stop_all_engines

    app = QApplication.instance()
    if app is None:
        # Before the application: the 3-D view's shaders are shared between contexts.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else "gd-explorer"])
    if block is None:
        block = not _event_loop_runs()
    window = MainWindow(use_gl=use_gl)
    window.explorer.reset_to(state)
    window._mark_saved()  # the data came from Python: closing need not ask to save it
    title = state.data.name or "your data"
    window.setWindowTitle(f"{title} — Gradient Descent Explorer")
    app.aboutToQuit.connect(window.release)
    window.show()
    if not block:
        # Kept here until closed, then deleted: a notebook may open many in a session.
        _OPEN.append(window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: _forget(window))
        return window
    try:
        app.exec()
    finally:
        # As the program's own main(): nothing left running when the interpreter exits.
        stop_all_engines()
        window.release()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return None


def _forget(window: MainWindow) -> None:
    if window in _OPEN:
        _OPEN.remove(window)


def _event_loop_runs() -> bool:
    """Return whether Qt's event loop runs already, or IPython runs it (``%gui qt``)."""
    from PySide6.QtCore import QThread

    if QThread.currentThread().loopLevel() > 0:
        return True  # called from a Qt program's own loop
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    kernel = getattr(shell, "kernel", None)
    if kernel is not None:  # Jupyter: %gui qt sets the kernel's event loop
        return getattr(kernel, "eventloop", None) is not None
    return getattr(shell, "active_eventloop", None) is not None  # a terminal IPython
