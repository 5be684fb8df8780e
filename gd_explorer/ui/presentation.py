"""The window's presentation: theme, text size, full screen and its side windows.

:class:`Presentation` is a part of :class:`~gd_explorer.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, QSignalBlocker, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QTabWidget, QWidget

from gd_explorer.ui import style
from gd_explorer.ui.controls import ControlsPanel
from gd_explorer.ui.lessons_panel import LessonsPanel
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.runs_panel import RunsPanel
from gd_explorer.ui.shortcuts import ShortcutsDialog
from gd_explorer.ui.views import ContourView, CostCurveView, DataView, HistoryView
from gd_explorer.ui.views.derivative import DerivativeView
from gd_explorer.ui.views.equations import EquationsPanel
from gd_explorer.ui.views.partial import PartialDerivativeView
from gd_explorer.ui.views.sweep import SweepView

#: The theme: "system", "light" or "dark", with "-cb" for colour-blind-safe colours.
THEME_KEY = "theme"
#: The theme choices, as the View menu offers them.
THEME_CHOICES = ("system", "light", "dark")
#: Width of the lessons panel when it opens, in pixels.
LESSONS_WIDTH = 250
ZOOM_RANGE = (0.5, 3.0)


class Presentation(QMainWindow):
    """Theme, zoom, full screen, the lessons panel and side windows (a part of the window)."""

    _theme_choice: tuple[str, bool]
    _scale: float
    _store: QSettings
    _shortcuts: ShortcutsDialog | None
    _calculus: QTabWidget | None
    _side: QWidget
    _side_scroll: QScrollArea
    theme_actions: dict[str, QAction]
    action_colour_blind: QAction
    lessons_dock: QDockWidget
    lessons_panel: LessonsPanel
    controls: ControlsPanel
    readout: Readout
    equations: EquationsPanel
    data_view: DataView
    cost_curve: CostCurveView
    contour: ContourView
    history: HistoryView
    surface: Any  # the 3-D view, or the panel saying it needs OpenGL
    runs_panel: RunsPanel
    sweep_view: SweepView

    load_lesson: Callable[[str], None]

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
            self._shortcuts = ShortcutsDialog(self.findChildren(QAction), self)
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
            self.equations, self.readout, self.lessons_panel, self.controls,
            self.runs_panel, self.sweep_view,
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
        side = self._side
        layout = side.layout()
        margins = layout.contentsMargins() if layout is not None else None
        spare = 0 if margins is None else margins.left() + margins.right()
        controls = self.controls.sizeHint().width() + spare
        width = max(controls, side.minimumSizeHint().width())
        width += scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
        scroll.setMinimumWidth(width)


def _stored_theme(value: object) -> tuple[str, bool]:
    """Return (choice, colour-blind) from a stored theme value; anything odd follows the system."""
    text = value if isinstance(value, str) else ""
    colour_blind = text.endswith("-cb")
    name = text.removesuffix("-cb")
    return (name if name in THEME_CHOICES else "system", colour_blind)
