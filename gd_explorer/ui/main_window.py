"""The explorer window: controls, five linked views, the data table, undo and persistence.

State lives here as two immutable values, the :class:`Dataset` and the
:class:`Settings`; every user action becomes a new value of one of them, and
the views only draw what they are given. Descent runs in the worker thread;
this thread only draws its frames.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSlider,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gd_explorer import files
from gd_explorer.engine import (
    ARTICLE_CLASSES,
    CostModel,
    Dataset,
    DatasetError,
    DescentConfig,
    Fit,
    Trajectory,
    article_dataset,
    reference_fit,
)
from gd_explorer.framing import Domain, problem_domain
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.settings import LEARNING_RATE_RANGE, Settings
from gd_explorer.ui import autosave, loading, style
from gd_explorer.ui.controls import ControlsPanel
from gd_explorer.ui.export import (
    ExportError,
    export_gif,
    export_surface_png,
    export_view_png,
    export_view_svg,
    export_window_png,
)
from gd_explorer.ui.lessons_panel import LessonsPanel
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.shortcuts import ShortcutsDialog
from gd_explorer.ui.surface_view import create_surface_view
from gd_explorer.ui.surface_view import grid_axes as surface_grid_axes
from gd_explorer.ui.views import ContourView, CostCurveView, DatasetTable, DataView, HistoryView
from gd_explorer.ui.views.derivative import DerivativeView
from gd_explorer.ui.views.equations import EquationsPanel
from gd_explorer.ui.views.partial import PartialDerivativeView
from gd_explorer.worker import DescentController, Frame

#: Settings whose change mid-run restarts the run from where the ball is.
RESTARTING = {
    "model",
    "variant",
    "optimizer",
    "learning_rate",
    "batch_size",
    "hold_intercept",
    "held_intercept",
}
SETTINGS_KEY = "settings"
#: Views that File → Export a view offers: (menu title, name for ``export_view``).
EXPORTABLE_VIEWS = (
    ("Data", "data"),
    ("Cost from above", "contour"),
    ("3-D surface", "surface"),
    ("Cost curve", "cost_curve"),
    ("Cost per step", "history"),
)
#: Width of the lessons panel when it opens, in pixels.
LESSONS_WIDTH = 250
#: Cost evaluations (rows × grid points) a map may take on this thread (about 10 ms).
GRID_WORK_IN_WINDOW = 1_000_000
#: Milliseconds between redraws while a run plays: about the screen's refresh.
DRAW_MS = 16
GEOMETRY_KEY = "geometry"
#: The theme: "system", "light" or "dark", with "-cb" for colour-blind-safe colours.
THEME_KEY = "theme"
#: The theme choices, as the View menu offers them.
THEME_CHOICES = ("system", "light", "dark")
RECENT_KEY = "recentSessions"
NO_RUN_TO_EXPORT = "There is no run to export yet: run the descent first (Space)."
#: How many session files the Recent sessions menu remembers.
RECENT_COUNT = 8
#: Memory the undo history may keep in datasets; older steps are let go beyond it.
UNDO_MEMORY_BYTES = 512 * 2**20
#: Milliseconds between checks for a change to autosave: the most an edit waits for its save.
AUTOSAVE_MS = 1000
#: Presentation zoom: each Ctrl+= / Ctrl+- multiplies or divides the scale by this.
ZOOM_STEP = 1.25
ZOOM_RANGE = (0.5, 3.0)


def settings_store() -> QSettings:
    """Return where the window keeps its geometry and last settings."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gd-explorer", "gd-explorer"
    )


class StateChange(QUndoCommand):
    """An undoable change of the data (and, for a model switch, the settings)."""

    def __init__(
        self,
        window: MainWindow,
        text: str,
        before: tuple[Dataset, Settings],
        after: tuple[Dataset, Settings],
    ) -> None:
        super().__init__(text)
        self._window = window
        self._before: tuple[Dataset, Settings] | None = before
        self._after: tuple[Dataset, Settings] | None = after

    def redo(self) -> None:
        """Apply the change."""
        self._show(self._after)

    def undo(self) -> None:
        """Go back to the state before the change."""
        self._show(self._before)

    def _show(self, state: tuple[Dataset, Settings] | None) -> None:
        if state is None:
            return  # let go (QUndoStack removes such a step without undoing it)
        # Qt calls redo and undo from C++: an exception leaving them made PySide6 crash
        # the process while reporting it. Report it here; the state is set before drawing.
        try:
            self._window._show_state(*state)
        except Exception as error:  # noqa: BLE001 - any failure to draw, reported in full
            sys.excepthook(type(error), error, error.__traceback__)

    def datasets(self) -> tuple[Dataset, ...]:
        """Return the datasets this step keeps (none once it was let go)."""
        if self._before is None or self._after is None:
            return ()
        return (self._before[0], self._after[0])

    def let_go(self) -> None:
        """Forget this step's data to bound memory; undoing it just removes it."""
        self.setObsolete(True)  # QUndoStack deletes an obsolete step instead of undoing it
        self._before = self._after = None
        self.setText(f"{self.text()} (too old to undo: the data is large)")


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

    # The name of the file being read, while the window waits for it (see open_dataset).
    _reading: str | None = None

    #: The message of the last failed run while the status bar shows it.
    _failure_shown: str | None = None

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
        self._theme_choice = _stored_theme(self._load(THEME_KEY))
        # Before the views exist: each one reads the current theme as it is built.
        style.set_theme(style.theme_name(*self._theme_choice))
        self.controller = DescentController(self)
        self.undo_stack = QUndoStack(self)
        #: The lesson the current state came from (saved in sessions), or None.
        self.lesson_id: str | None = None
        # Frames only mark the views stale; this timer draws, so a slow screen (software
        # OpenGL) lowers the frame rate instead of queueing work ahead of the user's input.
        self._stale: Frame | None = None
        self._draw_timer = QTimer(self)
        self._draw_timer.setInterval(DRAW_MS)
        self._draw_timer.timeout.connect(self._draw)
        # The maps' grids when they come from the engine's process: tag and request.
        self._maps_tag: int | None = None
        self._maps_pending: tuple[CostModel, Domain, Mapping[str, float] | None] | None = None
        # The step the user scrubbed to, or None to follow the run's newest step.
        self._replay_step: int | None = None
        self._scale = 1.0
        self._shortcuts: ShortcutsDialog | None = None
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
        self._calculus: QTabWidget | None = None
        self._build_layout()
        self.lessons_panel = LessonsPanel()
        self.lessons_dock = QDockWidget("Lessons", self)
        self.lessons_dock.setObjectName("lessonsDock")
        self.lessons_dock.setWidget(self.lessons_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lessons_dock)
        self.lessons_dock.hide()  # the explorer first; the Lessons menu opens the walk-through
        self._build_actions()
        self._connect()
        self._check_theme_actions()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

        stored = self._load(SETTINGS_KEY)
        settings = Settings.from_dict(stored if isinstance(stored, dict) else {})
        if settings.model != "linear":
            settings = settings.replace(model="linear")  # the article's data opens first
        self._data = article_dataset()
        self._settings = settings
        self.problem: CostModel = settings.problem(self._data)
        self._fit: Fit = reference_fit(self.problem)
        self._show_state(self._data, settings)
        #: Ask before closing with unsaved data (Save / Discard / Cancel).
        self.confirm_unsaved = True
        #: Where the current state was last saved to or opened from, if a session.
        self.session_path: Path | None = None
        self._closed = False
        self._baseline = self._snapshot()
        self._autosaved = self._baseline
        self.autosave = autosave.Autosave(
            data_folder if data_folder is not None else autosave.default_folder()
        )
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self._autosave_tick)
        self._autosave_timer.start()
        geometry = self._load(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    # The surface DESIGN fixes: dataset, trajectory, load_lesson.

    @property
    def dataset(self) -> Dataset:
        """Dataset: the data currently shown."""
        return self._data

    @property
    def settings(self) -> Settings:
        """Settings: what the controls say."""
        return self._settings

    @property
    def trajectory(self) -> Trajectory | None:
        """Trajectory or None: the current run so far."""
        return self.controller.trajectory()

    def load_lesson(self, lesson_id: str) -> None:
        """Load a lesson's data and settings, ready to run (undoable)."""
        lesson = get_lesson(lesson_id)
        unsaved = self.has_unsaved_changes
        settings = Settings.from_config(lesson.problem.kind, lesson.config, self._settings.speed)
        self.setWindowTitle(f"{lesson.title} — Gradient Descent Explorer")
        self._start_afresh(
            f"Load lesson “{lesson.title}”", lesson.problem.data, settings, lesson.id
        )
        if not unsaved:
            self._mark_saved()  # a lesson is made again by loading it: nothing to save
        if self.lessons_panel.current not in (lesson.id, "cost-function"):
            self.lessons_panel.set_current(lesson.id)
        self.statusBar().showMessage(lesson.title, 8000)

    def open_dataset(self, path: str | Path) -> bool:
        """Load a CSV file as the data (undoable); on error say why and keep the data.

        The file is read on its own thread while the window keeps drawing; a long read
        shows its progress with Cancel. Returns whether the data was replaced.
        """
        return self._open_dataset(path) is True

    def _open_dataset(self, path: str | Path) -> bool | None:
        """Open ``path`` as the data; None when the read was cancelled."""
        name = Path(path).name
        if self._reading is not None:
            self._complain(f"still reading {self._reading}: wait for it or cancel it first")
            return False
        self._reading = name
        try:
            data = loading.read_dataset(path, self)
            if data is not None:
                self._settings.problem(data)
        except DatasetError as error:
            self._complain(str(error))
            return False
        finally:
            self._reading = None
        if data is None:
            self.statusBar().showMessage(f"opening {name} cancelled: the data is unchanged", 8000)
            return None
        self._change_state(f"Open {name}", data, self._settings)
        self._mark_saved()
        return True

    def save_dataset(self, path: str | Path) -> bool:
        """Write the data as CSV; on error say why."""
        try:
            self._data.to_csv(path)
        except DatasetError as error:
            self._complain(str(error))
            return False
        self._baseline = (self._data, self._baseline[1], self._baseline[2])
        self.statusBar().showMessage(f"saved {len(self._data)} points to {path}", 8000)
        return True

    # Sessions and exports.

    def save_session(self, path: str | Path) -> bool:
        """Write data, settings and lesson as a session file; on error say why."""
        try:
            files.save_session(path, self._data, self._settings.to_dict(), self.lesson_id)
        except files.SessionError as error:
            self._complain(str(error))
            return False
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        self.statusBar().showMessage(f"saved the session to {path}", 8000)
        return True

    def open_session(self, path: str | Path) -> bool:
        """Restore a session file's data, settings and lesson (undoable).

        On any error the message goes to the status bar and nothing changes.
        """
        try:
            session = files.load_session(path)
            settings = _session_settings(Path(path).name, session.settings)
        except files.SessionError as error:
            self._complain(str(error))
            return False
        try:
            settings.problem(session.dataset)
        except DatasetError as error:  # e.g. logistic settings over data that are not classes
            self._complain(f"{Path(path).name}: {error}")
            return False
        self._start_afresh(
            f"Open session {Path(path).name}", session.dataset, settings, session.lesson
        )
        self.setWindowTitle(f"{Path(path).name} — Gradient Descent Explorer")
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        if session.notes:
            self._complain(" ".join(session.notes))
        else:
            self.statusBar().showMessage(f"opened the session {path}", 8000)
        return True

    def export_trajectory(self, path: str | Path) -> bool:
        """Write the current run as CSV (step, slope, intercept, cost, gradient)."""
        trajectory = self.trajectory
        if trajectory is None:
            self._complain(NO_RUN_TO_EXPORT)
            return False
        try:
            files.write_trajectory_csv(path, trajectory)
        except files.SessionError as error:
            self._complain(str(error))
            return False
        self.statusBar().showMessage(f"saved {trajectory.steps} steps to {path}", 8000)
        return True

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
        stored = self._load(RECENT_KEY)
        if isinstance(stored, str):
            return [stored]  # QSettings gives a one-item list back as a string
        return [str(p) for p in stored] if isinstance(stored, list) else []

    def _remember_session(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        recent = [entry, *(p for p in self._stored_recent() if p != entry)][:RECENT_COUNT]
        self._store.setValue(RECENT_KEY, recent)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
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

    # Layout and actions.

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
        views: tuple[tuple[QSplitter, QWidget], ...] = (
            (top, self.data_view),
            (top, self.contour),
            (top, self.surface),
            (bottom, self.cost_curve),
            (bottom, self.history),
            (bottom, self.table),
        )
        for splitter, view in views:
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

    def _action(self, name: str, text: str, keys: list[str], slot: object, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.action_run = self._action(
            "actionRun", "Run", ["Space"], self.toggle_run, "Run or pause the descent (Space)"
        )
        self.action_step = self._action(
            "actionStep", "Step", ["Right"], self.step_once, "Take exactly one step (→)"
        )
        self.action_step_back = self._action(
            "actionStepBack",
            "Step back",
            ["Left"],
            self.step_back,
            "Replay: show the step before (←)",
        )
        self.action_reset = self._action(
            "actionReset",
            "Reset",
            ["R"],
            self.reset,
            "Put the ball back at the start and clear the run (R)",
        )
        self.action_halve_rate = self._action(
            "actionHalveRate",
            "Halve the learning rate",
            ["["],
            partial(self.scale_learning_rate, 0.5),
            "Halve the learning rate ([)",
        )
        self.action_double_rate = self._action(
            "actionDoubleRate",
            "Double the learning rate",
            ["]"],
            partial(self.scale_learning_rate, 2.0),
            "Double the learning rate (])",
        )
        self.action_full_screen = self._action(
            "actionFullScreen",
            "Full screen",
            ["F11"],
            self.toggle_full_screen,
            "Fill the screen, for a classroom (F11)",
        )
        self.action_zoom_in = self._action(
            "actionZoomIn",
            "Larger text",
            ["Ctrl++", "Ctrl+="],
            partial(self.zoom, ZOOM_STEP),
            "Make text larger, for the back of the room (Ctrl++)",
        )
        self.action_zoom_out = self._action(
            "actionZoomOut",
            "Smaller text",
            ["Ctrl+-"],
            partial(self.zoom, 1 / ZOOM_STEP),
            "Make text smaller (Ctrl+−)",
        )
        self.action_zoom_reset = self._action(
            "actionZoomReset",
            "Normal text size",
            ["Ctrl+0"],
            partial(self.set_zoom, 1.0),
            "Back to the normal text size (Ctrl+0)",
        )
        self.action_shortcuts = self._action(
            "actionShortcuts",
            "Keyboard shortcuts",
            ["F1"],
            self.show_shortcuts,
            "List every keyboard shortcut (F1)",
        )
        self.action_undo = self.undo_stack.createUndoAction(self, "Undo")
        self.action_undo.setObjectName("actionUndo")
        self.action_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.action_redo = self.undo_stack.createRedoAction(self, "Redo")
        self.action_redo.setObjectName("actionRedo")
        self.action_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.action_undo, self.action_redo):
            self.addAction(action)

        toolbar = self.addToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.setMovable(False)
        for action in (self.action_run, self.action_step_back, self.action_step):
            toolbar.addAction(action)
        toolbar.addAction(self.action_reset)
        toolbar.addSeparator()
        toolbar.addAction(self.action_undo)
        toolbar.addAction(self.action_redo)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.action_new = file_menu.addAction(
            "&New", QKeySequence.StandardKey.New, self._new_from_menu
        )
        self.action_new.setObjectName("actionNew")
        file_menu.addAction("&Open dataset…", QKeySequence.StandardKey.Open, self._open_dialog)
        file_menu.addAction("&Save dataset…", QKeySequence.StandardKey.Save, self._save_dialog)
        file_menu.addSeparator()
        file_menu.addAction("Open s&ession…", self._open_session_dialog)
        file_menu.addAction(
            "Save sess&ion…", QKeySequence("Ctrl+Shift+S"), self._save_session_dialog
        )
        self.recent_menu = file_menu.addMenu("&Recent sessions")
        self.recent_menu.setObjectName("recentSessionsMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction("Export &trajectory CSV…", self._export_trajectory_dialog)
        file_menu.addAction("Export window as &PNG…", self._export_png_dialog)
        file_menu.addAction("Export run as animated &GIF…", self._export_gif_dialog)
        views_menu = file_menu.addMenu("Export a &view")
        views_menu.setObjectName("exportViewMenu")
        for title, name in EXPORTABLE_VIEWS:
            views_menu.addAction(
                f"{title} as PNG…", partial(self._export_view_dialog, name, "png")
            )
            if name != "surface":  # the 3-D view is a picture of OpenGL: no vector form
                views_menu.addAction(
                    f"{title} as SVG…", partial(self._export_view_dialog, name, "svg")
                )
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.action_undo)
        edit_menu.addAction(self.action_redo)
        run_menu = menu.addMenu("&Run")
        for action in (self.action_run, self.action_step, self.action_step_back):
            run_menu.addAction(action)
        run_menu.addAction(self.action_reset)
        run_menu.addSeparator()
        run_menu.addAction(self.action_halve_rate)
        run_menu.addAction(self.action_double_rate)
        view_menu = menu.addMenu("&View")
        for action in (
            self.action_full_screen,
            self.action_zoom_in,
            self.action_zoom_out,
            self.action_zoom_reset,
        ):
            view_menu.addAction(action)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.setObjectName("themeMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for name, object_name, text in (
            ("system", "actionThemeSystem", "Follow the system"),
            ("light", "actionThemeLight", "Light"),
            ("dark", "actionThemeDark", "Dark"),
        ):
            action = QAction(text, self)
            action.setObjectName(object_name)
            action.setCheckable(True)
            action.triggered.connect(partial(self._theme_chosen, name))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[name] = action
        theme_menu.addSeparator()
        self.action_colour_blind = QAction("Colour-blind-safe colours", self)
        self.action_colour_blind.setObjectName("actionColourBlind")
        self.action_colour_blind.setCheckable(True)
        self.action_colour_blind.setToolTip(
            "The Okabe–Ito palette: nothing to tell apart by red against green"
        )
        self.action_colour_blind.toggled.connect(self._colour_blind_toggled)
        theme_menu.addAction(self.action_colour_blind)
        calculus = menu.addMenu("&Calculus")
        calculus.addAction("&Derivatives and partial derivatives…", self.show_calculus)
        lessons = menu.addMenu("&Lessons")
        lessons.addAction(self.lessons_dock.toggleViewAction())
        lessons.addSeparator()
        for lesson in LESSONS:
            lessons.addAction(lesson.title, partial(self._lesson_from_menu, lesson.id))
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.action_shortcuts)

    def _connect(self) -> None:
        self.controller.frame.connect(self._on_frame)
        self.controller.gridsReady.connect(self._on_grids)
        self.controller.failed.connect(self._on_run_failed)
        self.controls.settingsEdited.connect(self._on_settings)
        self.controls.rejected.connect(self._complain)
        self.data_view.pointAdded.connect(
            lambda x, y: self._edit("Add point", lambda d: d.with_point(x, y))
        )
        self.data_view.pointMoved.connect(
            lambda i, x, y: self._edit("Move point", lambda d: d.moved(i, x, y))
        )
        self.data_view.pointRemoved.connect(
            lambda i: self._edit("Remove point", lambda d: d.without(i))
        )
        self.table.cellEdited.connect(self._cell_edited)
        self.table.rowAdded.connect(
            lambda x, y: self._edit("Add point", lambda d: d.with_point(x, y))
        )
        self.table.rowsRemoved.connect(self._rows_removed)
        self.table.editRejected.connect(self._complain)
        self.contour.startRequested.connect(self._start_at)
        self.lessons_panel.lessonChosen.connect(self.load_lesson)
        self.lessons_panel.calculusChosen.connect(self._show_calculus_tab)
        self.replay_slider.valueChanged.connect(self.show_step)

    def show_lessons(self) -> None:
        """Show the lessons panel, narrow enough that the window still fits 1280 pixels."""
        self.lessons_dock.show()
        self.resizeDocks([self.lessons_dock], [LESSONS_WIDTH], Qt.Orientation.Horizontal)

    def _lesson_from_menu(self, lesson_id: str) -> None:
        self.show_lessons()  # with its text, which the menu alone does not show
        self.load_lesson(lesson_id)

    def _show_calculus_tab(self, which: str) -> None:
        self.show_calculus().setCurrentIndex(0 if which == "derivative" else 1)

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

    # Presentation.

    def toggle_full_screen(self) -> None:
        """Fill the screen, or go back to the window as it was (F11)."""
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    @property
    def theme(self) -> tuple[str, bool]:
        """(str, bool): the theme choice ("system", "light" or "dark") and colour-blind mode."""
        return self._theme_choice

    def set_theme(self, name: str, colour_blind: bool = False) -> None:
        """Draw in the ``name`` theme ("system", "light" or "dark"), colour-blind-safe if asked.

        The choice is remembered for the next window.

        Raises
        ------
        ValueError
            If ``name`` is not a theme choice.
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
            self.data_view,
            self.cost_curve,
            self.contour,
            self.surface,
            self.history,
            self.equations,
            self.readout,
            self.lessons_panel,
        ]
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

    def _theme_chosen(self, name: str) -> None:
        self.set_theme(name, self._theme_choice[1])

    def _colour_blind_toggled(self, on: bool) -> None:
        self.set_theme(self._theme_choice[0], on)

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
        views = (self.data_view, self.cost_curve, self.contour, self.history, self.surface)
        for view in views:
            view.set_marker_scale(scale)
        self._fit_side_panel()
        self.statusBar().showMessage(f"text and markers at {scale:.0%}", 3000)

    def _fit_side_panel(self) -> None:
        """Keep the controls panel as wide as its controls at the current text size.

        It scrolls up and down only: narrower, larger text would be cut off at its edge.
        """
        scroll = self._side_scroll
        width = self._side.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(width)

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` ([ and ]), kept within the control's range."""
        low, high = LEARNING_RATE_RANGE
        old = self._settings.learning_rate
        rate = min(max(old * factor, low), high)
        if rate == old:
            bound = "largest" if factor > 1 else "smallest"
            self.statusBar().showMessage(
                f"the learning rate is already the {bound} allowed ({old:g})", 8000
            )
            return
        self._on_settings(self._settings.replace(learning_rate=rate))
        clamped = " (the limit)" if rate != old * factor else ""
        self.statusBar().showMessage(f"learning rate {old:g} → {rate:g}{clamped}", 8000)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Open (or raise) the list of keyboard shortcuts."""
        if self._shortcuts is None:
            self._shortcuts = ShortcutsDialog(self.actions(), self)
        self._shortcuts.show()
        self._shortcuts.raise_()
        return self._shortcuts

    # Running.

    def toggle_run(self) -> None:
        """Run, pause or resume."""
        if self.controller.running:
            self.controller.pause()
        elif self.controller.live:
            self._follow_run()
            self.controller.resume()
        else:
            self._start(self._settings.config())
        self._show_run_state()

    def step_once(self) -> None:
        """Take one step, starting a paused run first if there is none.

        While replaying, show the next recorded step instead.
        """
        if self._replay_step is not None:
            self.show_step(self._replay_step + 1)
            return
        if not self.controller.live:
            self._start(self._settings.config(), paused=True)
        self.controller.step()
        self._show_run_state()

    def reset(self) -> None:
        """Forget the run and put the ball back at the start."""
        self.controller.discard()
        self._show_start()
        self._show_run_state()

    def step_back(self) -> None:
        """Replay: show the step before the one shown, pausing a running run first."""
        record = self.controller.record
        if self.controller.running:
            self.controller.pause()
            self._show_run_state()
        if record is None or record.steps == 0:
            return
        shown = record.steps if self._replay_step is None else self._replay_step
        self.show_step(max(shown - 1, 0))

    def show_step(self, step: int) -> None:
        """Show recorded step ``step`` of the current run in every view.

        Before the run's newest step the views stay there while the run goes on; at the
        newest step they follow the run again.
        """
        record = self.controller.record
        if record is None:
            return
        step = min(max(int(step), 0), record.steps)
        self._replay_step = None if step == record.steps else step
        self._set_slider(step, record.steps)
        self._show_recorded(step)

    def _follow_run(self) -> None:
        """Leave the replay: the next frame draws the run's newest step."""
        if self._replay_step is not None:
            self._replay_step = None
            record = self.controller.record
            if record is not None:
                self._set_slider(record.steps, record.steps)
                self._show_recorded(record.steps)

    def _set_slider(self, value: int, maximum: int) -> None:
        slider = self.replay_slider
        slider.blockSignals(True)
        slider.setMaximum(maximum)
        slider.setValue(value)
        slider.blockSignals(False)

    def _show_recorded(self, step: int) -> None:
        """Draw step ``step`` of the record everywhere (O(step): on user action only)."""
        record = self.controller.record
        if record is None:
            return
        params, cost = record.view()
        shown, cost_shown = params[: step + 1], cost[: step + 1]
        m, b = float(params[step, 0]), float(params[step, 1])
        newest = step == record.steps
        rows = record.sampled_rows(step, self._data)
        kind = self.problem.kind
        self.data_view.set_model((m, b), kind)
        self.data_view.set_sampled(rows)
        self.cost_curve.set_state(params, step)
        self.contour.set_path(shown)
        self.surface.set_path(shown, cost_shown)
        self.history.set_history(cost_shown, self._fit.cost, record.exact_view()[: step + 1])
        grad = (float(record.grad[step - 1, 0]), float(record.grad[step - 1, 1])) if step else None
        status = record.status if newest else "replay"
        if status == "running" and not self.controller.running:
            status = "paused"
        gradient = None if grad is None else float(np.hypot(*grad))
        self.readout.show_step(
            step, record.config.steps, float(cost[step]), (m, b), gradient, status
        )
        if step:
            before = (float(params[step - 1, 0]), float(params[step - 1, 1]))
            self.equations.show_step(
                kind,
                record.config,
                step,
                before,
                (m, b),
                grad,
                float(cost[step]),
                rows,
                self._data,
            )
        else:
            self.equations.show_start(kind, record.config, (m, b), float(cost[0]))

    def _start(self, config: DescentConfig, paused: bool = False) -> None:
        if self._failure_shown and self.statusBar().currentMessage() == self._failure_shown:
            self.statusBar().clearMessage()  # about a run that is over: not this one
        self._failure_shown = None
        self._replay_step = None
        self.controller.set_speed(self._settings.speed)
        self.controller.start(self.problem, config, paused=paused)
        self.readout.show_banner(None)

    def _restart_from_here(self) -> None:
        """Start a new run from the ball's current place with the current settings."""
        record = self.controller.record
        config = self._settings.config()
        if record is not None and len(record.view()[0]):  # from where the ball is drawn
            m, b = (float(v) for v in record.view()[0][-1])
            config = config.replace(init=(m, b))
        self._start(config, paused=not self.controller.running)

    def _show_run_state(self) -> None:
        running = self.controller.running
        self.action_run.setText("Pause" if running else "Run")
        if self.controller.live:
            # At once: a paused run sends no more frames that would say so.
            self.readout.show_status("running" if running else "paused")

    # Frames from the worker: draw the latest step everywhere.

    def _on_frame(self, frame: Frame) -> None:
        self._stale = frame
        if frame.done:
            self._draw()
        elif not self._draw_timer.isActive():
            self._draw()  # the first frame at once, then at the timer's pace
            self._draw_timer.start()

    def _draw(self) -> None:
        frame, self._stale = self._stale, None
        record = self.controller.record
        # A frame kept from the run before a restart is stale: the new record may be empty.
        if frame is None or record is None or frame.generation != self.controller.generation:
            if not self.controller.running:
                self._draw_timer.stop()
            return
        steps = record.steps
        if self._replay_step is not None:
            # Scrubbing: the run goes on, the slider grows, the views stay on the chosen step.
            self.replay_slider.blockSignals(True)
            self.replay_slider.setMaximum(steps)
            self.replay_slider.blockSignals(False)
            if frame.done:
                self._show_run_state()
            return
        self._set_slider(steps, steps)
        params, cost = record.view()
        m, b = float(params[-1, 0]), float(params[-1, 1])
        kind = self.problem.kind
        self.data_view.set_model((m, b), kind)
        self.data_view.set_sampled(frame.rows)
        self.cost_curve.set_state(params)
        self.contour.set_path(params)
        self.surface.set_path(params, cost)
        self.history.set_history(cost, self._fit.cost, record.exact_view())
        gradient = float(np.hypot(*record.grad[steps - 1])) if steps else None
        status = frame.status
        if status == "running" and not self.controller.running:
            status = "paused"
        total = record.config.steps
        self.readout.show_step(steps, total, float(cost[-1]), (m, b), gradient, status)
        if steps:
            self.equations.show_step(
                kind,
                record.config,
                steps,
                (float(params[-2, 0]), float(params[-2, 1])),
                (m, b),
                (float(record.grad[steps - 1, 0]), float(record.grad[steps - 1, 1])),
                float(cost[-1]),
                frame.rows,
                self._data,
            )
        if frame.diverged_at is not None:
            # From the step it blew up, while the ball may still be flying.
            self.readout.show_banner(frame.message)
        if frame.done:
            self._show_run_state()
            if frame.status == "diverged":
                # Show the flight: widen the maps to the path (the views follow the ball).
                domain = self._domain(params)
                self._show_maps(domain)

    # State: data and settings.

    def _start_point(self) -> tuple[float, float]:
        return self._settings.config().start

    def _domain(self, path: np.ndarray | None) -> Domain:
        """Return the maps' window: the start, the path and the optima."""
        fixed = self._settings.config().fixed
        return problem_domain(self.problem, self._start_point(), path, fixed=fixed)

    def _show_state(self, data: Dataset, settings: Settings) -> None:
        """Show data and settings in every view (called by undo commands too)."""
        problem = settings.problem(data)
        old = getattr(self, "_settings", None)
        # Undoing a model switch or a lesson changes how the ball moves: a new run from here.
        restart = old is None or any(getattr(old, f) != getattr(settings, f) for f in RESTARTING)
        self._data, self._settings, self.problem = data, settings, problem
        # The best a run with these settings can reach: held parameters stay held.
        self._fit = reference_fit(problem, settings.config().fixed)
        self.history.set_fit(self._fit)
        self.controls.set_settings(settings, rows=len(data))
        kind = problem.kind
        self.data_view.set_dataset(data, kind)
        self.table.set_dataset(data, kind)
        fixed = settings.config().fixed
        record = self.controller.record
        path = record.view()[0] if record is not None else None
        self._show_maps(self._domain(path))
        self.cost_curve.set_problem(problem, (fixed or {}).get("b"))
        if self.controller.live and not restart:
            # The ball keeps rolling on the new cost.
            self.controller.set_problem(problem)
        elif self.controller.live:
            self._restart_from_here()
        if record is None or not self.controller.live:
            self._show_start()
        else:
            self.history.set_history(record.view()[1], self._fit.cost, record.exact_view())

    def _show_maps(self, domain: Domain) -> None:
        """Show the cost over ``domain`` in the contour and the surface.

        Large logistic data make a slow map: its grids come from the engine's process
        and arrive a moment later, so the window never freezes.
        """
        problem, fixed = self.problem, self._settings.config().fixed
        axes = [self.contour.grid_axes(problem, domain), surface_grid_axes(domain)]
        work = problem.n * sum(m.size * b.size for m, b in axes)
        if problem.kind == "linear" or work <= GRID_WORK_IN_WINDOW:
            self._maps_tag = None
            self.contour.set_problem(problem, domain, fixed)
            self.surface.set_problem(problem, domain)
            return
        self._maps_pending = (problem, domain, fixed)
        self._maps_tag = self.controller.compute_grids(problem, axes)
        self.statusBar().showMessage("computing the cost maps…", 5000)

    def _on_grids(self, tag: int, costs: list[np.ndarray] | None) -> None:
        if tag != self._maps_tag or self._maps_pending is None:
            return  # a map of data that has changed since
        if costs is None:
            self.statusBar().showMessage("the cost maps could not be computed for this data")
            return
        problem, domain, fixed = self._maps_pending
        self.contour.set_problem(problem, domain, fixed, cost=costs[0])
        self.surface.set_problem(problem, domain, cost=costs[1])

    def _show_start(self) -> None:
        self._replay_step = None
        self._set_slider(0, 0)
        start = np.array([self._start_point()])
        cost = np.array([self.problem.cost(start[0])])
        self.data_view.set_model(tuple(start[0]), self.problem.kind)
        self.data_view.set_sampled(None)
        self.cost_curve.set_state(start)
        self.contour.set_path(start)
        self.surface.set_path(start, cost)
        self.history.set_history(cost, self._fit.cost)
        self.readout.show_step(
            0, self._settings.steps, float(cost[0]), tuple(start[0]), None, "ready"
        )
        self.equations.show_start(
            self.problem.kind, self._settings.config(), tuple(start[0]), float(cost[0])
        )
        self.readout.show_banner(None)

    def _start_afresh(
        self, text: str, data: Dataset, settings: Settings, lesson: str | None
    ) -> None:
        """Replace data, settings and lesson in one undoable step, with no run going on.

        A run going on would carry on with the old settings under the new controls.
        """
        self.controller.discard()
        self._show_run_state()
        self._change_state(text, data, settings)
        self.lesson_id = lesson

    def _change_state(self, text: str, data: Dataset, settings: Settings) -> None:
        before = (self._data, self._settings)
        self.undo_stack.push(StateChange(self, text, before, (data, settings)))
        self._bound_undo_memory()

    def _bound_undo_memory(self) -> None:
        """Let the oldest steps go while the history holds more than UNDO_MEMORY_BYTES.

        Each edit keeps a whole dataset for its undo: at 10⁷ rows, 160 MB a step, so a
        few dozen edits would otherwise run the computer out of memory.
        """
        stack = self.undo_stack
        count = stack.count()
        if 2 * count * 16 * len(self._data) <= UNDO_MEMORY_BYTES:
            return  # cannot be over, whatever the steps hold
        steps = [stack.command(i) for i in range(count)]

        def held() -> int:
            unique = {
                id(d): d
                for step in steps
                if isinstance(step, StateChange)
                for d in step.datasets()
            }
            return sum(d.x.nbytes + d.y.nbytes for d in unique.values())

        let_go = 0
        # The newest done step stays undoable, whatever its size.
        for step in steps[: max(stack.index() - 1, 0)]:
            if held() <= UNDO_MEMORY_BYTES:
                break
            if isinstance(step, StateChange) and not step.isObsolete():
                step.let_go()
                let_go += 1
        if let_go:
            steps_let_go = (
                "the oldest undo step was"
                if let_go == 1
                else f"the {let_go} oldest undo steps were"
            )
            self.statusBar().showMessage(
                f"{steps_let_go} let go: with {len(self._data):,} points the undo history "
                f"keeps at most {UNDO_MEMORY_BYTES / 2**20:.0f} MB",
                8000,
            )

    def _edit(self, text: str, change: Callable[[Dataset], Dataset]) -> None:
        """Apply an edit to the data, or say why it cannot be made."""
        try:
            data = change(self._data)
            self._settings.problem(data)
        except DatasetError as error:
            self._complain(str(error))
            self._show_state(self._data, self._settings)  # undo any preview in the views
            return
        self._change_state(text, data, self._settings)

    def _cell_edited(self, row: int, column: int, value: float) -> None:
        x, y = float(self._data.x[row]), float(self._data.y[row])
        x, y = (value, y) if column == 0 else (x, value)
        self._edit("Edit cell", lambda d: d.moved(row, x, y))

    def _rows_removed(self, rows: list[int]) -> None:
        def remove(data: Dataset) -> Dataset:
            for row in sorted(rows, reverse=True):
                data = data.without(row)
            return data

        self._edit("Remove points", remove)

    def _on_settings(self, settings: Settings) -> None:
        try:
            settings.config()
        except ValueError as error:
            self._complain(str(error))
            self.controls.set_settings(self._settings, rows=len(self._data))
            return
        old = self._settings
        if settings.model != old.model:
            self._switch_model(settings)
            return
        self._settings = settings
        self.controls.set_settings(settings, rows=len(self._data))
        changed = {f for f in settings.to_dict() if getattr(settings, f) != getattr(old, f)}
        if "speed" in changed:
            self.controller.set_speed(settings.speed)
        if changed & {"hold_intercept", "held_intercept"}:
            self._show_state(self._data, settings)
        if self.controller.live and changed & RESTARTING:
            self._restart_from_here()
        elif not self.controller.live and changed & {"start_slope", "start_intercept"}:
            if self._in_maps(self._start_point()):
                self._show_start()
            else:
                self._show_state(self._data, settings)  # reframe the maps around the start

    def _switch_model(self, settings: Settings) -> None:
        data = self._data
        try:
            settings.problem(data)
        except DatasetError as error:
            # Logistic needs classes: offer the article's, undoably.
            if settings.model != "logistic":
                self._complain(str(error))
                self.controls.set_settings(self._settings, rows=len(data))
                return
            data = article_dataset(ARTICLE_CLASSES)
            self.statusBar().showMessage(
                f"{error}. Loaded the article's two-class data instead (Ctrl+Z to undo).", 15_000
            )
        if settings.model == "logistic" and settings.hold_intercept:
            settings = settings.replace(hold_intercept=False)
        self._change_state("Switch model", data, settings)

    def _in_maps(self, point: tuple[float, float]) -> bool:
        domain = self.contour.domain
        return domain is not None and (
            domain.m_min <= point[0] <= domain.m_max and domain.b_min <= point[1] <= domain.b_max
        )

    def _start_at(self, slope: float, intercept: float) -> None:
        settings = self._settings.replace(start_slope=slope, start_intercept=intercept)
        self._settings = settings
        self.controls.set_settings(settings, rows=len(self._data))
        if self.controller.live:
            self._start(settings.config(), paused=not self.controller.running)
        else:
            self._show_start()

    # Dialogs, messages, persistence.

    def _complain(self, message: str) -> None:
        self.statusBar().showMessage(message, 12_000)

    def _open_dialog(self) -> None:
        if not self.ask_to_keep_changes("Open a dataset"):
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open dataset", "", "Data (*.csv *.txt *.tsv);;All files (*)"
        )
        if path and self._open_dataset(path) is False:
            QMessageBox.warning(self, "Cannot open the dataset", self.statusBar().currentMessage())

    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save dataset", "data.csv", "CSV (*.csv)")
        if path and not self.save_dataset(path):
            QMessageBox.warning(self, "Cannot save the dataset", self.statusBar().currentMessage())

    def _open_session_dialog(self) -> None:
        if not self.ask_to_keep_changes("Open a session"):
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open session", "", "Sessions (*.json);;All files (*)"
        )
        if path and not self.open_session(path):
            QMessageBox.warning(self, "Cannot open the session", self.statusBar().currentMessage())

    def _save_session_dialog(self) -> bool:
        suggested = str(self.session_path) if self.session_path else "session.json"
        path, _ = QFileDialog.getSaveFileName(self, "Save session", suggested, "Sessions (*.json)")
        if not path:
            return False
        if not self.save_session(path):
            QMessageBox.warning(self, "Cannot save the session", self.statusBar().currentMessage())
            return False
        return True

    def _export_trajectory_dialog(self) -> None:
        if self.trajectory is None:
            self._complain(NO_RUN_TO_EXPORT)
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export trajectory", "trajectory.csv", "CSV (*.csv)"
        )
        if path and not self.export_trajectory(path):
            QMessageBox.warning(
                self, "Cannot export the trajectory", self.statusBar().currentMessage()
            )

    def _export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export window", "window.png", "PNG (*.png)")
        if path:
            self._export(lambda: export_window_png(self, path), path)

    def _export_gif_dialog(self) -> None:
        frames, ok = QInputDialog.getInt(
            self, "Export run as GIF", "Frames (evenly spread over the run):", 40, 2, 400
        )
        if not ok:
            return
        width, ok = QInputDialog.getInt(
            self, "Export run as GIF", "Width in pixels (height follows, 16:10):", 960, 320, 1920
        )
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export run", "run.gif", "GIF (*.gif)")
        if path:
            size = (width, width * 10 // 16)
            self._export(lambda: export_gif(self, path, frames=frames, size=size), path)

    def export_view(self, name: str, path: str | Path) -> Path:
        """Write one view as PNG (any view) or SVG (2-D views), by the path's ending.

        ``name`` is one of ``data``, ``contour``, ``surface``, ``cost_curve``, ``history``.
        Raises ExportError if it cannot.
        """
        views = {
            "data": self.data_view.plot,
            "contour": self.contour,
            "surface": self.surface,
            "cost_curve": self.cost_curve,
            "history": self.history,
        }
        view = views[name]
        if str(path).lower().endswith(".svg"):
            if name == "surface":
                raise ExportError("the 3-D view can be exported as PNG only")
            return export_view_svg(view, path)
        if name == "surface":
            return export_surface_png(view, path)
        return export_view_png(view, path)

    def _export_view_dialog(self, name: str, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export view", f"{name}.{kind}", f"{kind.upper()} (*.{kind})"
        )
        if path:
            self._export(lambda: self.export_view(name, path), path)

    def _export(self, write: Callable[[], object], path: str) -> None:
        try:
            write()
        except ExportError as error:
            self._complain(str(error))
            QMessageBox.warning(self, "Cannot export", str(error))
            return
        self.statusBar().showMessage(f"wrote {path}", 8000)

    def _load(self, key: str) -> object:
        return self._store.value(key)

    # Unsaved work: autosave, recovery, and asking before it is thrown away.

    def _snapshot(self) -> tuple[Dataset, Settings, str | None]:
        return (self._data, self._settings, self.lesson_id)

    @property
    def has_unsaved_changes(self) -> bool:
        """bool: the data differs from what was last opened, saved or loaded as a lesson.

        Settings alone do not count: the window remembers them for the next start.
        """
        return self._data is not self._baseline[0]

    def _mark_saved(self) -> None:
        self._baseline = self._snapshot()

    def _autosave_tick(self) -> None:
        """Write the state if it changed since the last autosave (at most once a tick)."""
        now = self._snapshot()
        if _same_state(now, self._autosaved):
            return
        self._autosaved = now
        if _same_state(now, self._baseline):
            self.autosave.clear()  # back to what is saved: nothing to recover
        else:
            data, settings, lesson = now
            self.autosave.save(autosave.Snapshot(data, settings.to_dict(), lesson, time.time()))
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error, 12_000)

    def flush_autosave(self) -> None:
        """Write any change not yet autosaved and wait until it is on disk."""
        self._autosave_tick()
        self.autosave.flush()

    def ask_to_keep_changes(self, doing: str) -> bool:
        """Before ``doing`` throws away unsaved data, ask: Save, Discard or Cancel.

        Returns
        -------
        bool
            True to go on (saved, discarded, or nothing unsaved); False to stop.
        """
        if not self.has_unsaved_changes or not self.confirm_unsaved:
            return True
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"{doing} — unsaved changes")
        box.setText(f"The data has {len(self._data)} points with changes that are not saved.")
        box.setInformativeText("Save them as a session first?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self._save_session_dialog()
        return answer == QMessageBox.StandardButton.Discard

    def new(self) -> None:
        """Start afresh: the article's data, the default settings, no lesson, no history."""
        self.controller.discard()
        self._show_run_state()
        self.undo_stack.clear()
        self.lesson_id = None
        self.session_path = None
        self.setWindowTitle("Gradient Descent Explorer")
        settings = Settings().replace(speed=self._settings.speed)
        self._show_state(article_dataset(), settings)
        self._mark_saved()
        self.statusBar().showMessage("a new start: the article's data", 8000)

    def _new_from_menu(self) -> None:
        if self.ask_to_keep_changes("New"):
            self.new()

    def _open_recent(self, path: str) -> None:
        if self.ask_to_keep_changes("Open a session"):
            self.open_session(path)

    def offer_recovery(self) -> int:
        """Offer to restore the work of windows that did not close (a crash, a kill).

        Returns
        -------
        int
            How many were restored.
        """
        restored = kept = 0
        for orphan in autosave.orphans(self.autosave.folder):
            if restored:
                # A second restore would replace the first; the next start offers it.
                orphan.lock.unlock()
                kept += 1
                continue
            try:
                snapshot = orphan.read()
                settings = Settings.from_dict(snapshot.settings)
                settings.problem(snapshot.dataset)
            except (autosave.RecoveryError, DatasetError) as error:
                aside = orphan.set_aside()
                self._complain(f"{error}; the file is kept as {aside}")
                continue
            box = QMessageBox(self)
            box.setObjectName("recoveryDialog")
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Restore unsaved work?")
            box.setText("Gradient Descent Explorer did not close normally. Unsaved work was kept:")
            box.setInformativeText(autosave.describe(snapshot))
            restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(restore)
            box.exec()
            if box.clickedButton() is restore:
                self._start_afresh(
                    "Restore unsaved work", snapshot.dataset, settings, snapshot.lesson
                )
                orphan.discard()  # this window's own autosave holds it from now on
                self.flush_autosave()
                restored += 1
                self.statusBar().showMessage(
                    f"restored {autosave.describe(snapshot)} (Ctrl+Z to undo)", 12_000
                )
            elif box.clickedButton() is discard:
                orphan.discard()
            else:
                orphan.lock.unlock()  # kept for the next start
        if kept:
            self._complain(
                f"restored the newest unsaved work; {kept} more "
                f"{'is' if kept == 1 else 'are'} kept and offered at the next start"
            )
        return restored

    # Supervision and shutdown.

    def _on_run_failed(self, message: str) -> None:
        """Say why the run ended (or the engine was restarted); everything else stays."""
        if self._stale is not None:
            self._draw()  # the steps that arrived before the failure
        self._show_run_state()
        record = self.controller.record
        if record is not None and record.status == "failed":
            if self._replay_step is None:  # a replayed step keeps its own status
                self.readout.show_status("failed")
            self.readout.show_banner(message)
        self.statusBar().showMessage(message)  # no time-out: until replaced or a new run
        self._failure_shown = message

    def release(self) -> None:
        """Stop the engine and free OpenGL now, while the application exists.

        Safe to call twice. Called on close and when the application quits, so that
        nothing depends on the order in which Qt and Python destroy objects later.
        The window shows no 3-D surface afterwards.
        """
        self.controller.shutdown()
        self._draw_timer.stop()
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
        self._store.setValue(SETTINGS_KEY, self._settings.to_dict())
        self._store.sync()
        super().closeEvent(event)


def _same_state(
    a: tuple[Dataset, Settings, str | None], b: tuple[Dataset, Settings, str | None]
) -> bool:
    """Return whether two snapshots hold the same data (by identity), settings and lesson."""
    return a[0] is b[0] and a[1:] == b[1:]


def _stored_theme(value: object) -> tuple[str, bool]:
    """Return (choice, colour-blind) from a stored theme value; anything odd follows the system."""
    text = value if isinstance(value, str) else ""
    colour_blind = text.endswith("-cb")
    name = text.removesuffix("-cb")
    return (name if name in THEME_CHOICES else "system", colour_blind)


def _session_settings(where: str, values: dict[str, object]) -> Settings:
    """Return the settings a session holds, or raise SessionError naming a refused one."""
    settings = Settings.from_dict(values)
    kept = settings.to_dict()
    differing = [
        (name, value) for name, value in values.items() if name in kept and kept[name] != value
    ]
    # A refused value makes every setting fall back to its default: name one that is
    # refused on its own rather than the first that differs (often a valid one).
    alone = [(n, v) for n, v in differing if Settings.from_dict({n: v}).to_dict()[n] != v]
    if differing:
        name, value = (alone or differing)[0]
        raise files.SessionError(f"{where}: 'settings.{name}' = {value!r} is not accepted")
    return settings
