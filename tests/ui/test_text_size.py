"""Text size on a 1280x800 screen: every step of Ctrl++ and Ctrl+- fits, Ctrl+0 goes back exactly.

The test display is 1920x1080; the window is told its screen is 1280x800 through
``MainWindow.screen_area``, the one place it asks.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDockWidget,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QToolBar,
    QWidget,
)

from gd_explorer.ui import MainWindow, style

SCREEN = QRect(0, 0, 1280, 800)
#: Every text size from 70 % to 250 %, as Ctrl++ and Ctrl+- step through them.
STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5)
PLOTS = ("dataPlot", "costCurvePlot", "contourPlot", "historyPlot")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def small_screen(monkeypatch):
    """Make every window believe its screen is 1280 by 800."""
    monkeypatch.setattr(MainWindow, "screen_area", lambda self: QRect(SCREEN), raising=False)
    return QRect(SCREEN)


def settle() -> None:
    """Let posted layout requests and zero-delay timers run."""
    for _ in range(3):
        QApplication.processEvents()


def press(qtbot, window, key: Qt.Key) -> None:
    qtbot.keyClick(window, key, CTRL)
    settle()


def scrolled(widget: QWidget) -> bool:
    """True if ``widget`` sits inside a scroll area's viewport (it may be scrolled out)."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return True
        parent = area
    return False


def text_fits_combo(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


def problems(window: MainWindow, screen: QRect = SCREEN) -> list[str]:
    """Name everything cut, overlapping the window's edge, or off the screen."""
    found = []
    if not screen.contains(window.frameGeometry()):
        found.append(f"window {window.frameGeometry().getRect()} is off the screen")
    inside = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or scrolled(widget):
            continue
        rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if not inside.contains(rect):
            found.append(f"{widget.objectName() or type(widget).__name__} {rect.getRect()}")
    toolbar = window.findChild(QToolBar, "runToolbar")
    for action in (window.action_undo, window.action_redo):
        button = toolbar.widgetForAction(action)
        if not (button.isVisible() and toolbar.rect().contains(button.geometry())):
            found.append(f"{action.objectName()} is not on the toolbar")
    for name, label in window.readout.values.items():
        if label.fontMetrics().horizontalAdvance(label.text()) > label.contentsRect().width():
            found.append(f"the read-out's {name} {label.text()!r} is cut")
    model = window.findChild(QComboBox, "modelInput")
    if not text_fits_combo(model):
        found.append(f"the model box cuts {model.currentText()!r}")
    for name in PLOTS:
        plot = window.findChild(QWidget, name)
        bounds = plot.getPlotItem().sceneBoundingRect()
        room = plot.viewport().size()
        if bounds.width() > room.width() + 1 or bounds.height() > room.height() + 1:
            found.append(f"{name} is cut: {bounds.size()} in {room}")
        title = plot.getPlotItem().titleLabel
        if not (title.isVisible() and title.text):
            continue
        text = title.itemRect()
        if text.width() > title.size().width() + 1 or text.height() > title.size().height() + 1:
            found.append(f"{name}'s title is cut: {text} in {title.size()}")
        scene = title.sceneBoundingRect()
        if scene.right() > plot.viewport().width() + 1:
            found.append(f"{name}'s title runs past its view")
    return found


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_every_text_size_fits_the_screen(qtbot, monkeypatch, make_window, size):
    screen = QRect(0, 0, *size)
    monkeypatch.setattr(MainWindow, "screen_area", lambda self: QRect(screen), raising=False)
    window = make_window()
    window.setGeometry(screen)  # the window fills its screen
    window.load_lesson("overshoot")  # a long "Undo Load lesson …" on the toolbar
    window.readout.show_step(1_234, 10_000, 0.000137054, (-0.8451, 2.6022), 0.0031, "running")
    settle()
    seen = {}
    for _ in range(5):  # down to the smallest, then up to the largest
        press(qtbot, window, Qt.Key.Key_Minus)
    for _ in range(len(STEPS) + 1):
        seen[window.text_scale] = problems(window, screen)
        press(qtbot, window, Qt.Key.Key_Plus)
    assert {scale: found for scale, found in seen.items() if found} == {}
    assert tuple(seen) == STEPS


def layout_of(window: MainWindow) -> dict[str, object]:
    """Every panel's, dock's and splitter's geometry, by a name."""
    parts: dict[str, object] = {"window": window.geometry().getRect()}
    for index, splitter in enumerate(window.findChildren(QSplitter)):
        parts[f"splitter {index}"] = splitter.sizes()
    for kind in (QScrollArea, QDockWidget, QToolBar):
        for widget in window.findChildren(kind):
            parts[widget.objectName()] = widget.geometry().getRect()
    for name in (*PLOTS, "surfaceView", "datasetTable", "readout"):
        parts[name] = window.findChild(QWidget, name).geometry().getRect()
    return parts


@pytest.mark.parametrize("lessons", [False, True], ids=["plain", "lessons"])
def test_ctrl_0_brings_back_the_exact_layout(qtbot, small_screen, make_window, lessons):
    window = make_window()
    if lessons:
        window.lesson_from_menu("overshoot")
    settle()
    before = layout_of(window)
    for key in (Qt.Key.Key_Plus,) * 5 + (Qt.Key.Key_Minus,) * 2:
        press(qtbot, window, key)
    assert window.text_scale > 1
    assert layout_of(window) != before  # the test changed something
    press(qtbot, window, Qt.Key.Key_0)
    assert window.text_scale == 1.0
    assert layout_of(window) == before
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    settle()
    assert SCREEN.contains(window.frameGeometry())


def test_plot_text_the_hint_and_the_3d_labels_follow_the_text_size(qtbot, make_window):
    window = make_window()
    hint = window.findChild(QWidget, "dataHint")
    item = window.data_view.plot.getPlotItem()
    axis = item.getAxis("bottom")

    def sizes() -> dict[str, float]:
        title = item.titleLabel.item.font().pointSizeF()
        html = item.titleLabel.item.toHtml()
        start = html.index("font-size:", html.index("<span style=")) + len("font-size:")
        title = float(html[start : html.index("pt", start)])
        label = float(axis.labelStyle["font-size"].removesuffix("pt"))
        found = {"title": title, "axis label": label, "ticks": axis.style["tickFont"].pointSizeF()}
        found["hint"] = hint.font().pointSizeF()
        labels = getattr(getattr(window.surface, "canvas", None), "_labels", None)
        if labels is not None:
            found["3-D label"] = labels["slope"].font.pointSizeF()
        return found

    normal = sizes()
    assert "3-D label" in normal, "the test needs the 3-D view"
    press(qtbot, window, Qt.Key.Key_Plus)
    scale = window.text_scale
    larger = sizes()
    assert {k: round(larger[k] / normal[k], 2) for k in normal} == {k: scale for k in normal}
    assert scale == style.text_scale() == 1.1
    press(qtbot, window, Qt.Key.Key_0)
    assert sizes() == normal


def test_the_default_window_fits_the_free_area_of_its_screen_frame_and_all(
    qtbot, monkeypatch, make_window
):
    free = QRect(0, 0, 1280, 770)  # a 1280x800 screen with a 30-pixel panel
    monkeypatch.setattr(MainWindow, "screen_area", lambda self: QRect(free), raising=False)
    window = make_window()
    settle()
    assert free.contains(window.frameGeometry())
    assert window.width() == 1280 - (window.frameGeometry().width() - window.width())


#: The narrowest a view may be with the lessons panel open: the data plot's title
#: ("Data and y = m·x + b", about 230 pixels at the normal size) on at most two lines,
#: beside its axis. Docked, the panel left each view about 150 pixels.
VIEW_WIDTH = 250
VIEWS = ("dataPlot", "contourPlot", "surfaceView", "costCurvePlot", "historyPlot")


def test_the_lessons_panel_at_1280_by_800_leaves_every_view_its_room(
    qtbot, small_screen, make_window
):
    window = make_window()
    settle()
    closed = {name: window.findChild(QWidget, name).width() for name in VIEWS}
    window.lesson_from_menu("overshoot")
    settle()
    assert window.lessons_panel.isVisible()
    assert window.lessons_panel.visibleRegion().boundingRect().width() >= 200
    assert SCREEN.contains(window.lessons_dock.frameGeometry())
    widths = {name: window.findChild(QWidget, name).width() for name in VIEWS}
    assert {name: w for name, w in widths.items() if w < VIEW_WIDTH} == {}
    assert widths == closed  # the panel squeezes no view
    title = window.data_view.plot.getPlotItem().titleLabel
    one_line = title.item.document().clone()
    one_line.setTextWidth(-1)
    assert title.itemRect().height() <= 2 * one_line.size().height() + 1  # two lines at most
    assert text_fits_combo(window.findChild(QComboBox, "modelInput"))
    assert problems(window) == []


@pytest.mark.parametrize("presses", [0, 3, 6], ids=["100%", "150%", "250%"])
def test_the_class_question_stays_clear_of_the_lessons_panel_lying_over_the_views(
    qtbot, small_screen, make_window, presses
):
    window = make_window()
    settle()
    window.lesson_from_menu("overshoot")  # a lesson that asks the class first
    settle()
    for _ in range(presses):
        press(qtbot, window, Qt.Key.Key_Plus)
    card = window.findChild(QWidget, "predictCard")
    qtbot.waitUntil(card.isVisible)
    assert window.lessons_dock.isFloating()  # over the views at 1280x800
    panel = window.lessons_dock.frameGeometry()
    shown = QRect(card.mapToGlobal(card.rect().topLeft()), card.size())
    assert not shown.intersects(panel), (shown.getRect(), panel.getRect())
    for name in ("predictConverge", "predictOscillate", "predictDiverge"):
        button = window.findChild(QWidget, name)
        corner = button.mapToGlobal(button.rect().bottomRight())
        assert button.isVisible(), name
        assert card.contentsRect().contains(card.mapFromGlobal(corner)), name  # all of it shows
    shown_parts = [w for w in card.findChildren(QWidget) if w.isVisible()]
    for i, one in enumerate(shown_parts):  # nothing on the card lies over anything else
        for other in shown_parts[i + 1 :]:
            assert not one.geometry().intersects(other.geometry()), (
                one.objectName(),
                other.objectName(),
            )


def test_messages_still_show_after_the_text_grows_and_ctrl_0_puts_the_layout_back(
    qtbot, small_screen, make_window
):
    window = make_window()
    settle()
    press(qtbot, window, Qt.Key.Key_Plus)  # says the new size: the status bar is made
    press(qtbot, window, Qt.Key.Key_0)  # the layout of before had none: it goes again
    window.lesson_from_menu("overshoot")  # says it is loaded, and asks the class
    settle()
    card = window.findChild(QWidget, "predictCard")
    qtbot.waitUntil(card.isVisible)
    window.statusBar().showMessage("a message after Ctrl+0")
    settle()
    assert window.statusBar().isVisible()
    assert window.statusBar().currentMessage() == "a message after Ctrl+0"


def test_the_class_question_moves_aside_when_the_lessons_panel_comes_to_lie_over_the_views(
    qtbot, monkeypatch, make_window
):
    # On a large screen the panel is docked; larger text makes it lie over the views
    # after the question is shown: the card must move clear of it then too.
    screen = QRect(0, 0, 1920, 1080)
    monkeypatch.setattr(MainWindow, "screen_area", lambda self: QRect(screen), raising=False)
    window = make_window()
    window.setGeometry(screen)
    settle()
    window.lesson_from_menu("overshoot")
    settle()
    card = window.findChild(QWidget, "predictCard")
    qtbot.waitUntil(card.isVisible)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Plus)
    dock = window.lessons_dock
    assert dock.isFloating()
    settle()
    shown = QRect(card.mapToGlobal(card.rect().topLeft()), card.size())
    assert not shown.intersects(dock.frameGeometry()), (shown.getRect(), dock.frameGeometry())
    surface = window.findChild(QWidget, "surfaceView")
    if surface.isVisible():  # OpenGL draws over whatever lies on the 3-D view
        drawn = QRect(surface.mapToGlobal(surface.rect().topLeft()), surface.size())
        assert not shown.intersects(drawn), (shown.getRect(), drawn.getRect())
