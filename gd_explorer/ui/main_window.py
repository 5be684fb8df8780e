"""The explorer window: a shell of layout and docking around the controller and the views.

The state, undo, the run, replay and drawing live in :mod:`gd_explorer.ui.controller`;
the actions and menus are tables in :mod:`gd_explorer.ui.actions`; the file dialogs
are in :mod:`gd_explorer.ui.dialogs`. The window lays the views out, keeps the
theme, the text size and the unsaved work, and answers the controller's signals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSlider,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gd_explorer import files
from gd_explorer.engine import CostModel, Dataset, DatasetError, Trajectory
from gd_explorer.lessons import get_lesson
from gd_explorer.settings import Settings
from gd_explorer.state import ExplorerState
from gd_explorer.ui import actions, autosave, loading, sessions, style
from gd_explorer.ui.controller import ExplorerController, Run
from gd_explorer.ui.controls import ControlsPanel
from gd_explorer.ui.dialogs import Dialogs
from gd_explorer.ui.export import (
    ExportError,
    check_gif,
    export_gif,
    export_surface_png,
    export_view_png,
    export_view_svg,
    export_window_png,
)
from gd_explorer.ui.lessons_panel import LessonsPanel
from gd_explorer.ui.painter import Views
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.shortcuts import ShortcutsDialog
from gd_explorer.ui.surface_view import create_surface_view
from gd_explorer.ui.views import ContourView, CostCurveView, DatasetTable, DataView, HistoryView
from gd_explorer.ui.views.derivative import DerivativeView
from gd_explorer.ui.views.equations import EquationsPanel
from gd_explorer.ui.views.partial import PartialDerivativeView
from gd_explorer.worker import DescentController

__all__ = ["QFileDialog", "QMessageBox", "MainWindow", "settings_store"]

SETTINGS_KEY = "settings"
GEOMETRY_KEY = "geometry"
#: The theme: "system", "light" or "dark", with "-cb" for colour-blind-safe colours.
THEME_KEY = "theme"
#: The theme choices, as the View menu offers them.
THEME_CHOICES = ("system", "light", "dark")
RECENT_KEY = "recentSessions"
#: How many session files the Recent sessions menu remembers.
RECENT_COUNT = 8
#: Width of the lessons panel when it opens, in pixels.
LESSONS_WIDTH = 250
#: Milliseconds between checks for a change to autosave: the most an edit waits for its save.
AUTOSAVE_MS = 1000
ZOOM_RANGE = (0.5, 3.0)


def settings_store() -> QSettings:
    """Return where the window keeps its geometry and last settings."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gd-explorer", "gd-explorer"
    )


class MainWindow(QMainWindow):
    """The program's window.

    Parameters
    ----------
    use_gl : bool
        False to show a text panel instead of the 3-D cost surface.
    store : QSettings, optional
        Where to keep geometry and settings; the user's configuration by default.
    data_folder : Path, optional
        Where to autosave unsaved work; see :func:`autosave.default_folder`.
    parent : QWidget, optional
        The parent widget.
    """

    NO_RUN_TO_EXPORT = "There is no run to export yet: run the descent first (Space)."
    #: File → Recent sessions (made with the menus).
    recent_menu: QMenu
    # The name of the file being read, while the window waits for it (see open_dataset).
    _reading: str | None = None

    def __init__(
        self,
        *,
        use_gl: bool = True,
        store: QSettings | None = None,
        data_folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient Descent Explorer")
        font = self.font()
        font.setPointSize(style.BASE_POINT_SIZE)
        self.setFont(font)
        self._store = store if store is not None else settings_store()
        self._theme_choice = _stored_theme(self._store.value(THEME_KEY))
        # Before the views exist: each one reads the current theme as it is built.
        style.set_theme(style.theme_name(*self._theme_choice))
        self._scale = 1.0
        self._shortcuts: ShortcutsDialog | None = None
        self._calculus: QTabWidget | None = None
        self.replay_slider = QSlider(Qt.Orientation.Horizontal)
        self.replay_slider.setObjectName("replaySlider")
        self.replay_slider.setToolTip("Drag to replay the run: every view shows that step (← →)")
        self.replay_slider.setRange(0, 0)
        self.controls = ControlsPanel()
        self.readout = Readout()
        self.data_view = DataView()
        self.table = DatasetTable()
        self.cost_curve = CostCurveView()
        self.contour = ContourView()
        self.surface = create_surface_view(use_gl)
        self.history = HistoryView()
        self.equations = EquationsPanel()
        self.views = Views(
            self.data_view, self.cost_curve, self.contour, self.surface, self.history,
            self.readout, self.equations, self.table, frame=self,
        )  # fmt: skip
        self._build_layout()
        self.lessons_panel = LessonsPanel()
        self.lessons_dock = QDockWidget("Lessons", self)
        self.lessons_dock.setObjectName("lessonsDock")
        self.lessons_dock.setWidget(self.lessons_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lessons_dock)
        self.lessons_dock.hide()  # the explorer first; the Lessons menu opens the walk-through

        stored = self._store.value(SETTINGS_KEY)
        settings = Settings.from_dict(stored if isinstance(stored, dict) else {})
        if settings.model != "linear":
            settings = settings.replace(model="linear")  # the article's data opens first
        self.explorer = ExplorerController(self.views, ExplorerState.initial(settings), self)
        #: The link to the engine's process (the selected run's runner).
        self.controller: DescentController = self.explorer.runner
        self.undo_stack = self.explorer.undo_stack
        self.dialogs = Dialogs(self)
        self.theme_actions: dict[str, QAction] = {}
        self.actions_by_name = named = actions.build(self)
        self.action_run, self.action_step = named["actionRun"], named["actionStep"]
        self.action_reset, self.action_new = named["actionReset"], named["actionNew"]
        self.action_undo, self.action_redo = named["actionUndo"], named["actionRedo"]
        self.action_colour_blind = named["actionColourBlind"]
        self._connect()
        self._check_theme_actions()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self.explorer.restore(self.explorer.state, restart=True)

        #: Ask before closing with unsaved data (Save / Discard / Cancel).
        self.confirm_unsaved = True
        #: Where the current state was last saved to or opened from, if a session.
        self.session_path: Path | None = None
        self._closed = False
        self._baseline = self._autosaved = self.explorer.state
        self.autosave = autosave.Autosave(
            data_folder if data_folder is not None else autosave.default_folder()
        )
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self._autosave_tick)
        self._autosave_timer.start()
        geometry = self._store.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    # The surface DESIGN fixes: dataset, trajectory, runs, load_lesson.

    @property
    def dataset(self) -> Dataset:
        """Dataset: the data currently shown."""
        return self.explorer.state.data

    @property
    def settings(self) -> Settings:
        """Settings: the selected run's, as the controls say."""
        return self.explorer.state.settings

    @property
    def problem(self) -> CostModel:
        """CostModel: the cost the runs descend."""
        return self.explorer.analysis.problem

    @property
    def lesson_id(self) -> str | None:
        """The lesson the current state came from (saved in sessions), or None."""
        return self.explorer.state.lesson

    @property
    def trajectory(self) -> Trajectory | None:
        """Trajectory or None: the selected run so far."""
        return self.controller.trajectory()

    @property
    def runs(self) -> tuple[Run, ...]:
        """Tuple of runs, each with ``.config`` and ``.trajectory``, the selected one's live."""
        return self.explorer.runs

    def load_lesson(self, lesson_id: str) -> None:
        """Load a lesson's data and settings, ready to run (undoable)."""
        lesson = get_lesson(lesson_id)
        unsaved = self.has_unsaved_changes
        state, _ = self.explorer.state.load_lesson(lesson, self.settings.speed)
        self.setWindowTitle(f"{lesson.title} — Gradient Descent Explorer")
        self.explorer.replace(f"Load lesson “{lesson.title}”", state)
        if not unsaved:
            self._mark_saved()  # a lesson is made again by loading it: nothing to save
        if self.lessons_panel.current not in (lesson.id, "cost-function"):
            self.lessons_panel.set_current(lesson.id)
        self.statusBar().showMessage(lesson.title, 8000)

    # Files: each operation raises with the reason; the public forms say it and return.

    def open_dataset(self, path: str | Path) -> bool:
        """Load a CSV file as the data (undoable); on error say why and keep the data.

        The file is read on its own thread while the window keeps drawing; a long read
        shows its progress with Cancel. Returns whether the data was replaced.
        """
        return self._said(lambda: self.read_dataset(path)) is True

    def read_dataset(self, path: str | Path) -> bool:
        """Open ``path`` as the data; False when the read was cancelled.

        Raises
        ------
        DatasetError
            If the file cannot be read, or the model cannot fit its data.
        """
        name = Path(path).name
        if self._reading is not None:
            raise DatasetError(f"still reading {self._reading}: wait for it or cancel it first")
        self._reading = name
        try:
            data = loading.read_dataset(path, self)
            state = None if data is None else self.explorer.state.edit_data(data)[0]
        finally:
            self._reading = None
        if state is None:
            self.statusBar().showMessage(f"opening {name} cancelled: the data is unchanged", 8000)
            return False
        self.explorer.change(f"Open {name}", state)
        self._mark_saved()
        return True

    def save_dataset(self, path: str | Path) -> bool:
        """Write the data as CSV; on error say why."""
        return self._said(lambda: self.write_dataset(path))

    def write_dataset(self, path: str | Path) -> None:
        """Write the data as CSV (raises DatasetError)."""
        self.dataset.to_csv(path)
        self._baseline = replace(self._baseline, data=self.dataset)
        self.statusBar().showMessage(f"saved {len(self.dataset)} points to {path}", 8000)

    def save_session(self, path: str | Path) -> bool:
        """Write data, every run's settings and the lesson as a session file; on error say why."""
        return self._said(lambda: self.write_session(path))

    def write_session(self, path: str | Path) -> None:
        """Write the session file (raises files.SessionError)."""
        sessions.write(path, self.explorer.state)
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        self.statusBar().showMessage(f"saved the session to {path}", 8000)

    def open_session(self, path: str | Path) -> bool:
        """Restore a session file's data, settings and lesson (undoable).

        On any error the message goes to the status bar and nothing changes.
        """
        return self._said(lambda: self.read_session(path))

    def read_session(self, path: str | Path) -> None:
        """Restore a session file (raises files.SessionError or DatasetError)."""
        state, notes = sessions.read(path, self.explorer.state)
        self.explorer.replace(f"Open session {Path(path).name}", state)
        self.setWindowTitle(f"{Path(path).name} — Gradient Descent Explorer")
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        if notes:
            self.complain(" ".join(notes))
        else:
            self.statusBar().showMessage(f"opened the session {path}", 8000)

    def export_trajectory(self, path: str | Path) -> bool:
        """Write the current run as CSV (step, slope, intercept, cost, gradient)."""
        return self._said(lambda: self.write_trajectory(path))

    def write_trajectory(self, path: str | Path) -> None:
        """Write the current run as CSV (raises files.SessionError)."""
        trajectory = self.trajectory
        if trajectory is None:
            raise files.SessionError(self.NO_RUN_TO_EXPORT)
        files.write_trajectory_csv(path, trajectory)
        self.statusBar().showMessage(f"saved {trajectory.steps} steps to {path}", 8000)

    def _said(self, do: Callable[[], object]) -> bool:
        try:
            return do() is not False
        except (DatasetError, files.SessionError) as error:
            self.complain(str(error))
            return False

    def export_view(self, name: str, path: str | Path) -> Path:
        """Write one view as PNG (any view) or SVG (2-D views), by the path's ending.

        ``name`` is one of ``data``, ``contour``, ``surface``, ``cost_curve``, ``history``.
        Raises ExportError if it cannot.
        """
        view = {
            "data": self.data_view.plot,
            "contour": self.contour,
            "surface": self.surface,
            "cost_curve": self.cost_curve,
            "history": self.history,
        }[name]
        if str(path).lower().endswith(".svg"):
            if name == "surface":
                raise ExportError("the 3-D view can be exported as PNG only")
            return export_view_svg(view, path)
        return (export_surface_png if name == "surface" else export_view_png)(view, path)

    def export_png(self, path: str | Path) -> Path:
        """Save the whole window as a PNG (raises ExportError)."""
        return export_window_png(self, path)

    def export_gif(
        self, path: str | Path, frames: int = 40, size: tuple[int, int] = (960, 600),
        duration_ms: int = 80,
    ) -> Path:  # fmt: skip
        """Save the finished run as an animated GIF drawn in the views (raises ExportError)."""
        check_gif(frames, size, duration_ms)
        scenes = self.explorer.gif_scenes(frames)
        return export_gif(self.views, scenes, path, size=size, duration_ms=duration_ms)

    def recent_sessions(self) -> list[str]:
        """Return the recent session files, newest first, dropping (and naming) missing ones."""
        paths = self._stored_recent()
        present = [p for p in paths if Path(p).is_file()]
        if len(present) != len(paths):
            gone = ", ".join(Path(p).name for p in paths if p not in present)
            self._store.setValue(RECENT_KEY, present)
            self.statusBar().showMessage(f"removed from recent sessions (no longer there): {gone}")
        return present

    def _stored_recent(self) -> list[str]:
        stored = self._store.value(RECENT_KEY)
        if isinstance(stored, str):
            return [stored]  # QSettings gives a one-item list back as a string
        return [str(p) for p in stored] if isinstance(stored, list) else []

    def _remember_session(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        recent = [entry, *(p for p in self._stored_recent() if p != entry)][:RECENT_COUNT]
        self._store.setValue(RECENT_KEY, recent)
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        """List the recent sessions in File → Recent sessions."""
        menu = self.recent_menu
        menu.clear()
        paths = self.recent_sessions()
        for number, path in enumerate(paths, start=1):
            action = menu.addAction(
                f"&{number} {Path(path).name}", partial(self._open_recent, path)
            )
            action.setToolTip(path)
        if not paths:
            menu.addAction("(none yet)").setEnabled(False)

    # Layout and signals.

    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.controls)
        side_layout.addWidget(self.equations)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setObjectName("sidePanel")
        self._side, self._side_scroll = side, scroll
        self._fit_side_panel()
        top = QSplitter(Qt.Orientation.Horizontal)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        rows: tuple[tuple[QSplitter, tuple[QWidget, ...]], ...] = (
            (top, (self.data_view, self.contour, self.surface)),
            (bottom, (self.cost_curve, self.history, self.table)),
        )
        for splitter, row in rows:
            for view in row:
                splitter.addWidget(view)
        # The three maps share the top row equally, however wide the window (with the
        # lessons panel open, 1280 pixels leave each about 220).
        top.setSizes([400, 400, 400])
        for index in range(3):
            top.setStretchFactor(index, 1)
        bottom.setSizes([400, 400, 220])
        grid = QSplitter(Qt.Orientation.Vertical)
        grid.addWidget(top)
        grid.addWidget(bottom)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.readout)
        centre_layout.addWidget(self.replay_slider)
        centre_layout.addWidget(grid, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(scroll)
        main.addWidget(centre)
        main.setStretchFactor(1, 1)
        for splitter in (top, bottom, grid, main):
            splitter.setChildrenCollapsible(False)
        self.setCentralWidget(main)

    def _connect(self) -> None:
        explorer, edit = self.explorer, self.explorer.edit
        # Lazily: a status bar made before the first message would take room from the views.
        explorer.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        explorer.panelNeeded.connect(lambda s, rows: self.controls.set_settings(s, rows=rows))
        explorer.runStateChanged.connect(
            lambda running, _: self.action_run.setText("Pause" if running else "Run")
        )
        explorer.replayMoved.connect(self._set_slider)
        explorer.failureCleared.connect(self._clear_failure)
        self.controls.settingsEdited.connect(explorer.set_settings)
        self.controls.rejected.connect(self.complain)
        add = lambda x, y: edit("Add point", lambda d: d.with_point(x, y))  # noqa: E731
        self.data_view.pointAdded.connect(add)
        self.data_view.pointMoved.connect(
            lambda i, x, y: edit("Move point", lambda d: d.moved(i, x, y))
        )
        self.data_view.pointRemoved.connect(lambda i: edit("Remove point", lambda d: d.without(i)))
        self.table.cellEdited.connect(self._cell_edited)
        self.table.rowAdded.connect(add)
        self.table.rowsRemoved.connect(lambda rows: edit("Remove points", partial(_without, rows)))
        self.table.editRejected.connect(self.complain)
        self.contour.startRequested.connect(explorer.start_at)
        self.lessons_panel.lessonChosen.connect(self.load_lesson)
        self.lessons_panel.calculusChosen.connect(
            lambda which: self.show_calculus().setCurrentIndex(0 if which == "derivative" else 1)
        )
        self.replay_slider.valueChanged.connect(self.show_step)

    def _cell_edited(self, row: int, column: int, value: float) -> None:
        x, y = float(self.dataset.x[row]), float(self.dataset.y[row])
        x, y = (value, y) if column == 0 else (x, value)
        self.explorer.edit("Edit cell", lambda d: d.moved(row, x, y))

    def _set_slider(self, value: int, maximum: int) -> None:
        with QSignalBlocker(self.replay_slider):
            self.replay_slider.setMaximum(maximum)
            self.replay_slider.setValue(value)

    def _clear_failure(self, message: str) -> None:
        if self.statusBar().currentMessage() == message:
            self.statusBar().clearMessage()  # about a run that is over: not this one

    def complain(self, message: str) -> None:
        """Say why something could not be done, in the status bar."""
        self.statusBar().showMessage(message, 12_000)

    # Running: the controller does it.

    def toggle_run(self) -> None:
        """Run, pause or resume."""
        self.explorer.toggle_run()

    def step_once(self) -> None:
        """Take one step (while replaying, show the next recorded step)."""
        self.explorer.step_once()

    def step_back(self) -> None:
        """Replay: show the step before the one shown."""
        self.explorer.step_back()

    def reset(self) -> None:
        """Forget the run and put the ball back at the start."""
        self.explorer.reset()

    def show_step(self, step: int) -> None:
        """Show recorded step ``step`` of the run in every view (replay)."""
        self.explorer.show_step(step)

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` ([ and ]), within the control's range."""
        self.explorer.scale_learning_rate(factor)

    # Panels and presentation.

    def show_lessons(self) -> None:
        """Show the lessons panel, narrow enough that the window still fits 1280 pixels."""
        self.lessons_dock.show()
        self.resizeDocks([self.lessons_dock], [LESSONS_WIDTH], Qt.Orientation.Horizontal)

    def lesson_from_menu(self, lesson_id: str) -> None:
        """Load a lesson from the Lessons menu, showing its text."""
        self.show_lessons()  # with its text, which the menu alone does not show
        self.load_lesson(lesson_id)

    def show_calculus(self) -> QTabWidget:
        """Open (or raise) the window on derivatives: the article's first sections."""
        if self._calculus is None:
            tabs = QTabWidget()
            tabs.setObjectName("calculusWindow")
            tabs.setWindowTitle("Derivatives — Gradient Descent Explorer")
            tabs.addTab(DerivativeView(), "Derivative: the slope of a curve")
            tabs.addTab(PartialDerivativeView(), "Partial derivatives: one variable at a time")
            tabs.resize(1000, 680)
            self._calculus = tabs
        self._calculus.show()
        self._calculus.raise_()
        return self._calculus

    def show_shortcuts(self) -> ShortcutsDialog:
        """Open (or raise) the list of keyboard shortcuts."""
        if self._shortcuts is None:
            self._shortcuts = ShortcutsDialog(self.actions(), self)
        self._shortcuts.show()
        self._shortcuts.raise_()
        return self._shortcuts

    def toggle_full_screen(self) -> None:
        """Fill the screen, or go back to the window as it was (F11)."""
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    @property
    def theme(self) -> tuple[str, bool]:
        """(str, bool): the theme choice ("system", "light" or "dark") and colour-blind mode."""
        return self._theme_choice

    def set_theme(self, name: str, colour_blind: bool = False) -> None:
        """Draw in the ``name`` theme ("system", "light" or "dark"), colour-blind-safe if asked.

        The choice is remembered for the next window. Raises ValueError for another name.
        """
        if name not in THEME_CHOICES:
            raise ValueError(f"no theme {name!r}; choose one of {', '.join(THEME_CHOICES)}")
        self._theme_choice = (name, bool(colour_blind))
        self._store.setValue(THEME_KEY, f"{name}-cb" if colour_blind else name)
        self._check_theme_actions()
        self._apply_theme()

    def _apply_theme(self) -> None:
        theme = style.set_theme(style.theme_name(*self._theme_choice))
        views: list[object] = [
            self.data_view, self.cost_curve, self.contour, self.surface, self.history,
            self.equations, self.readout, self.lessons_panel,
        ]  # fmt: skip
        if self._calculus is not None:
            views += [self._calculus.widget(i) for i in range(self._calculus.count())]
        for view in views:
            apply = getattr(view, "apply_theme", None)
            if apply is not None:
                apply(theme)

    def _check_theme_actions(self) -> None:
        name, colour_blind = self._theme_choice
        self.theme_actions[name].setChecked(True)
        with QSignalBlocker(self.action_colour_blind):
            self.action_colour_blind.setChecked(colour_blind)

    def _system_scheme_changed(self, *_: object) -> None:
        if self._theme_choice[0] == "system":
            self._apply_theme()

    def zoom(self, factor: float) -> None:
        """Multiply the text scale by ``factor``, within :data:`ZOOM_RANGE`."""
        self.set_zoom(self._scale * factor)

    def set_zoom(self, scale: float) -> None:
        """Scale the window's text, the read-out, the equations, the plots' axes and markers."""
        low, high = ZOOM_RANGE
        scale = min(max(scale, low), high)
        self._scale = scale
        font = self.font()
        font.setPointSizeF(style.BASE_POINT_SIZE * scale)
        self.setFont(font)
        self.readout.set_scale(scale)
        self.equations.set_scale(scale)
        for plot in (self.data_view.plot, self.cost_curve, self.contour, self.history):
            style.scale_plot(plot, scale)
        for view in (self.data_view, self.cost_curve, self.contour, self.history, self.surface):
            view.set_marker_scale(scale)
        self._fit_side_panel()
        self.statusBar().showMessage(f"text and markers at {scale:.0%}", 3000)

    def _fit_side_panel(self) -> None:
        """Keep the controls panel as wide as its controls: it scrolls up and down only."""
        scroll = self._side_scroll
        width = self._side.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(width)

    # Unsaved work: autosave, recovery, and asking before it is thrown away.

    @property
    def has_unsaved_changes(self) -> bool:
        """bool: the data differs from what was last opened, saved or loaded as a lesson.

        Settings alone do not count: the window remembers them for the next start.
        """
        return self.dataset is not self._baseline.data

    def _mark_saved(self) -> None:
        self._baseline = self.explorer.state

    def _autosave_tick(self) -> None:
        """Write the state if it changed since the last autosave (at most once a tick)."""
        now = self.explorer.state
        if now.same(self._autosaved):
            return
        self._autosaved = now
        if now.same(self._baseline):
            self.autosave.clear()  # back to what is saved: nothing to recover
        else:
            snapshot = autosave.Snapshot(now.data, now.settings.to_dict(), now.lesson, time.time())
            self.autosave.save(snapshot)
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error, 12_000)

    def flush_autosave(self) -> None:
        """Write any change not yet autosaved and wait until it is on disk."""
        self._autosave_tick()
        self.autosave.flush()

    def ask_to_keep_changes(self, doing: str) -> bool:
        """Before ``doing`` throws away unsaved data, ask: Save, Discard or Cancel.

        Returns True to go on (saved, discarded, or nothing unsaved); False to stop.
        """
        if not self.has_unsaved_changes or not self.confirm_unsaved:
            return True
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"{doing} — unsaved changes")
        box.setText(f"The data has {len(self.dataset)} points with changes that are not saved.")
        box.setInformativeText("Save them as a session first?")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        if answer == buttons.Save:
            return self.dialogs.save_session()
        return answer == buttons.Discard

    def new(self) -> None:
        """Start afresh: the article's data, the default settings, no lesson, no history."""
        self.session_path = None
        self.setWindowTitle("Gradient Descent Explorer")
        self.explorer.reset_to(self.explorer.state.new()[0])
        self._mark_saved()
        self.statusBar().showMessage("a new start: the article's data", 8000)

    def new_from_menu(self) -> None:
        """File → New: ask about unsaved data first."""
        if self.ask_to_keep_changes("New"):
            self.new()

    def _open_recent(self, path: str) -> None:
        if self.ask_to_keep_changes("Open a session"):
            self.open_session(path)

    def offer_recovery(self) -> int:
        """Offer to restore the work of windows that did not close (a crash, a kill).

        Returns how many were restored.
        """
        return sessions.offer_recovery(self)

    # Shutdown.

    def release(self) -> None:
        """Stop the engine and free OpenGL now, while the application exists.

        Safe to call twice. Called on close and when the application quits, so that
        nothing depends on the order in which Qt and Python destroy objects later.
        The window shows no 3-D surface afterwards.
        """
        self.explorer.shutdown()
        self.surface.release()
        # Without a close (the application quit, a broken window dropped): the autosave
        # stays for the next start, and the lock on it is let go.
        self._autosave_timer.stop()
        self.autosave.close(keep=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved data, stop the worker, free OpenGL, remember geometry and settings."""
        if self._closed:
            super().closeEvent(event)
            return
        if not self.ask_to_keep_changes("Quit"):
            event.ignore()
            return
        self._closed = True
        self._autosave_timer.stop()
        self._autosave_tick()
        # Kept when the user was not asked (Ctrl+C, logging out): offered at the next start.
        self.autosave.close(keep=self.has_unsaved_changes and not self.confirm_unsaved)
        self.release()
        if self._calculus is not None:
            self._calculus.close()
        self._store.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._store.setValue(SETTINGS_KEY, self.settings.to_dict())
        self._store.sync()
        super().closeEvent(event)


def _without(rows: list[int], data: Dataset) -> Dataset:
    for row in sorted(rows, reverse=True):
        data = data.without(row)
    return data


def _stored_theme(value: object) -> tuple[str, bool]:
    """Return (choice, colour-blind) from a stored theme value; anything odd follows the system."""
    text = value if isinstance(value, str) else ""
    colour_blind = text.endswith("-cb")
    name = text.removesuffix("-cb")
    return (name if name in THEME_CHOICES else "system", colour_blind)
