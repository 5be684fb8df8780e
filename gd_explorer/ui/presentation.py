"""The window's presentation: theme, text size, full screen and its side windows.

:class:`Presentation` is a part of :class:`~gd_explorer.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QGuiApplication, QMoveEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStatusBar,
    QStyle,
    QStyleOptionComboBox,
    QTabWidget,
    QWidget,
)

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
#: Width of the lessons panel when it opens, in pixels, at the normal text size, and
#: the most of the window it takes at larger sizes.
LESSONS_WIDTH = 250
LESSONS_MOST = 0.4
#: The narrowest a view of the top row may be (at the normal text size) with the
#: lessons panel docked beside the views: the data plot's title reads in full on two
#: lines at most. On a narrower window the panel lies over the right of the views.
VIEW_ROOM = 270
#: The text sizes Ctrl++ and Ctrl+- step through; Ctrl+0 goes back to 1.
ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5)
ZOOM_RANGE = (ZOOM_STEPS[0], ZOOM_STEPS[-1])
#: The most of the screen's width the runs table asks for at larger text sizes: past
#: it, the table scrolls sideways rather than widen the controls panel.
SIDE_SHARE = 0.33
#: The largest scale of the read-out's numbers, which are larger than the text already.
READOUT_MOST = 1.5
#: The usage hint's size, as a share of the window's text size (full size: it is read from
#: the back of a room too), and its largest size in
#: points: past it, the hint (for whoever holds the mouse) would push the data plot out
#: of its view at large text sizes.
HINT_SHARE = 1.0
HINT_MAX_POINTS = 18.0
#: From this text size on, the hint gives its lines to the data plot (on a small screen
#: the plot had no room left for its title); Help lists every mouse action.
HINT_HIDDEN_FROM = 1.5


class Layout:
    """Where everything of a window was: its geometry, docks and every splitter's sizes."""

    def __init__(self, window: QMainWindow) -> None:
        self.geometry = window.geometry()
        self.state: QByteArray = window.saveState()
        self.splitters = [(s, s.sizes()) for s in window.findChildren(QSplitter)]
        side = window.findChild(QScrollArea, "sidePanel")
        self.side_width = side.minimumWidth() if side is not None else 0
        # The status bar is made at the first message: it was not there, it goes again.
        self.status_bar = window.findChild(QStatusBar) is not None

    def restore(self, window: QMainWindow) -> None:
        """Put ``window`` back as it was (its geometry only if it is an ordinary window)."""
        if not window.windowState() & (
            Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized
        ):
            window.setGeometry(self.geometry)
        if not self.status_bar and window.findChild(QStatusBar) is not None:
            window.setStatusBar(None)  # type: ignore[arg-type]  # Qt takes none: removes it
        window.restoreState(self.state)
        for splitter, sizes in self.splitters:
            splitter.setSizes(sizes)


class Presentation(QMainWindow):
    """Theme, zoom, full screen, the lessons panel and side windows (a part of the window)."""

    _theme_choice: tuple[str, bool]
    _scale: float
    _store: QSettings
    _shortcuts: ShortcutsDialog | None
    _calculus: QTabWidget | None
    _side: QWidget
    _side_scroll: QScrollArea
    _normal_layout: Layout | None
    _views_grid: QWidget
    _placing: bool
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
        """Show the lessons panel: beside the views, or over their right on a small window."""
        self.lessons_dock.show()
        self.place_lessons()

    def place_lessons(self) -> None:
        """Dock the lessons panel beside the views if they keep their room, else lay it over.

        Docked on a 1280-pixel window, the panel left each view about 150 pixels and
        cut their titles ("Data and y = m·x -"). Over the views it covers the right of
        them (the 3-D view, the table) while it is open, and squeezes nothing.
        """
        dock = self.lessons_dock
        if self._placing or not dock.isVisible() or not self.isVisible():
            return
        self._placing = True
        try:
            # Wider with larger text (its lines stay as long), within a share of the window.
            grown = min(LESSONS_WIDTH * self._scale, self.width() * LESSONS_MOST)
            width = max(int(grown), LESSONS_WIDTH, dock.minimumSizeHint().width())
            views = self.width() - self._side_scroll.minimumWidth() - width
            if views >= 3 * VIEW_ROOM * max(1.0, self._scale):
                if dock.isFloating():
                    dock.setFloating(False)
                self.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
                return
            if not dock.isFloating():
                dock.setFloating(True)
            grid = self._views_grid
            top_left = grid.mapToGlobal(QPoint(0, 0))
            area = QRect(top_left, grid.size())
            dock.setGeometry(area.right() + 1 - width, area.top(), width, area.height())
            dock.raise_()
        finally:
            self._placing = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Keep the lessons panel over the views when they change size."""
        if (
            watched is self._views_grid
            and event.type() == QEvent.Type.Resize
            and self.lessons_dock.isFloating()
        ):
            self.place_lessons()
        return super().eventFilter(watched, event)

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt's name
        """Move the lessons panel lying over the views with the window."""
        super().moveEvent(event)
        if self.lessons_dock.isFloating():
            self.place_lessons()

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
        # Back from full screen: within the screen, frame and all, once the window
        # system has given the window its size back.
        self.fit_to_screen()
        QTimer.singleShot(0, self, self.fit_to_screen)

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

    @property
    def text_scale(self) -> float:
        """float: the text size, 1 being normal (Ctrl++, Ctrl+-, Ctrl+0)."""
        return self._scale

    def zoom(self, factor: float) -> None:
        """Step the text size up (``factor`` > 1) or down through :data:`ZOOM_STEPS`."""
        if factor > 1:
            scale = next((s for s in ZOOM_STEPS if s > self._scale + 1e-9), ZOOM_STEPS[-1])
        else:
            scale = next((s for s in ZOOM_STEPS[::-1] if s < self._scale - 1e-9), ZOOM_STEPS[0])
        self.set_zoom(scale)

    def set_zoom(self, scale: float) -> None:
        """Scale the window's text, the read-out, the equations, the plots' text and markers.

        Leaving the normal size remembers the layout (window, docks, splitters);
        coming back to it restores that layout exactly. The window never grows past
        its screen: the controls panel wraps and scrolls instead.
        """
        low, high = ZOOM_RANGE
        scale = min(max(float(scale), low), high)
        if self._scale == 1.0 and scale != 1.0:
            self._normal_layout = Layout(self)
        self._scale = scale
        style.set_text_scale(style.plot_text_scale(scale))
        font = self.font()
        font.setPointSizeF(style.BASE_POINT_SIZE * scale)
        self.setFont(font)
        # The read-out is large type already: past READOUT_MOST its numbers would need more
        # rows than a small screen has room for.
        self.readout.set_scale(min(scale, READOUT_MOST))
        self.equations.set_scale(scale)
        self.lessons_panel.set_scale(scale)
        self._fit_hint()
        plots = (self.data_view.plot, self.cost_curve, self.contour, self.history)
        for plot in (*plots, self.sweep_view.plot):
            style.scale_plot(plot)
        for view in (self.data_view, self.cost_curve, self.contour, self.history, self.surface):
            view.set_marker_scale(style.plot_text_scale(scale))  # marks grow with plot text
        self._fit_choices()
        normal = self._normal_layout if scale == 1.0 else None
        if normal is None or normal.status_bar:
            self.statusBar().showMessage(f"text and markers at {scale:.0%}", 3000)
        self._settle_layout()
        # Some panels measure their new text only once it is drawn (the controls align
        # their fields on the next turn of the event loop): settle again after them.
        QTimer.singleShot(0, self, self._settle_layout)

    def _fit_hint(self) -> None:
        """Draw the data plot's usage hint at its share of the text size, or hide it."""
        hint = self.findChild(QLabel, "dataHint")
        if hint is not None:  # it has a font of its own, which the window's does not reach
            font = hint.font()
            size = style.BASE_POINT_SIZE * HINT_SHARE * self._scale
            font.setPointSizeF(min(size, HINT_MAX_POINTS))
            hint.setFont(font)
            hint.setVisible(self._scale < HINT_HIDDEN_FROM)

    def _fit_choices(self, *_: object) -> None:
        """Make each of the controls' drop-down boxes wide enough for its choice.

        They shrink with the panel otherwise ("Linear (least squar"); the panel's rows
        wrap, label above field, when a box and its label do not fit side by side.
        """
        for box in self.controls.findChildren(QComboBox):
            option = QStyleOptionComboBox()
            box.initStyleOption(option)
            metrics = box.fontMetrics()
            text = metrics.horizontalAdvance(box.currentText())
            size = box.style().sizeFromContents(
                QStyle.ContentsType.CT_ComboBox, option, QSize(text, metrics.height()), box
            )
            box.setMinimumWidth(size.width())

    def choice_changed(self) -> None:
        """Fit the box whose choice changed, and the panel to it."""
        self._fit_choices()
        self._fit_side_panel()

    def _settle_layout(self) -> None:
        self._fit_side_panel()
        if self._scale == 1.0 and self._normal_layout is not None:
            self._normal_layout.restore(self)
        else:
            self.fit_to_screen()
        self.place_lessons()

    def screen_area(self) -> QRect:
        """Return the part of the window's screen a window may take (without panels, docks)."""
        given = getattr(self, "_given_area", None)
        if given is not None:
            return QRect(given)
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def set_screen_area(self, area: QRect) -> None:
        """Lay the window out for ``area`` instead of its screen's (pictures made off screen)."""
        self._given_area = QRect(area)
        self._fit_side_panel()

    def fit_to_screen(self) -> None:
        """Shrink and move the window, its frame included, into :meth:`screen_area`."""
        if self.windowState() & (Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized):
            return  # the window system fits those
        area = self.screen_area()
        inner, outer = self.geometry(), self.frameGeometry()
        frame = QSize(outer.width() - inner.width(), outer.height() - inner.height())
        if not self.isVisible() or frame.width() < 0 or frame.height() < 0:
            frame = QSize(0, 0)
        size = QSize(
            min(inner.width(), area.width() - frame.width()),
            min(inner.height(), area.height() - frame.height()),
        )
        if size != inner.size():
            self.resize(size)
        width, height = size.width() + frame.width(), size.height() + frame.height()
        x = min(max(outer.x(), area.left()), area.left() + area.width() - width)
        y = min(max(outer.y(), area.top()), area.top() + area.height() - height)
        if (x, y) != (outer.x(), outer.y()):
            self.move(x, y)  # a window's position is that of its frame

    def _fit_side_panel(self) -> None:
        """Keep the controls panel as narrow as its controls allow, and within the screen.

        The runs table gets at most :data:`SIDE_SHARE` of the screen (it scrolls
        sideways past it); the controls' rows wrap, label above field, when they do
        not fit side by side; the panel scrolls up and down. Only where the views
        would otherwise push the window past its screen does the panel scroll sideways.
        """
        scroll = self._side_scroll
        side = self._side
        layout = side.layout()
        margins = layout.contentsMargins() if layout is not None else None
        spare = 0 if margins is None else margins.left() + margins.right()
        chrome = scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
        share = int(self.screen_area().width() * SIDE_SHARE)
        self.runs_panel.set_widest(None if self._scale == 1.0 else share - chrome - spare)
        # As wide as the widest thing that cannot shrink (the runs table's columns, a
        # drop-down box's longest choice); a row that does not fit puts its field under
        # its label.
        width = side.minimumSizeHint().width() + chrome
        if self._scale == 1.0 and self._normal_layout is not None:
            # Back at the normal size: exactly as before, whatever the controls measure
            # while their fonts change.
            width = self._normal_layout.side_width
        else:
            grid = getattr(self, "_views_grid", None)  # None while the window is being built
            views = grid.parentWidget() if grid is not None else None  # read-out and views
            least = views.minimumSizeHint().width() if views is not None else 0
            width = min(width, self.screen_area().width() - least)
        wider = side.minimumSizeHint().width() + chrome > width
        policy = Qt.ScrollBarPolicy
        scroll.setHorizontalScrollBarPolicy(
            policy.ScrollBarAsNeeded if wider else policy.ScrollBarAlwaysOff
        )
        scroll.setMinimumWidth(width)


def _stored_theme(value: object) -> tuple[str, bool]:
    """Return (choice, colour-blind) from a stored theme value; anything odd follows the system."""
    text = value if isinstance(value, str) else ""
    colour_blind = text.endswith("-cb")
    name = text.removesuffix("-cb")
    return (name if name in THEME_CHOICES else "system", colour_blind)
