"""The lessons panel: order, mapping, navigation, signals and scaling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QPushButton, QTextBrowser

from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.ui.lessons_panel import ENTRIES, ENTRY_TARGETS, LessonsPanel


@pytest.fixture
def panel(qtbot) -> LessonsPanel:
    widget = LessonsPanel()
    qtbot.addWidget(widget)
    return widget


def _button(panel: LessonsPanel, name: str) -> QPushButton:
    button = panel.findChild(QPushButton, name)
    assert button is not None
    return button


def _list(panel: LessonsPanel) -> QListWidget:
    widget = panel.findChild(QListWidget, "lessonList")
    assert widget is not None
    return widget


def test_order_and_coverage(panel: LessonsPanel) -> None:
    ids = [entry_id for entry_id, _ in panel.entries()]
    rest = [lesson.id for lesson in LESSONS]
    assert ids == ["derivative", "partial-derivatives", *rest]
    assert rest[:2] == ["cost-function", "least-squares"]
    for lesson in LESSONS:
        assert ids.count(lesson.id) == 1
        assert ENTRY_TARGETS[lesson.id] == ("lesson", lesson.id)
    assert len(ids) == len(set(ids)) == len(LESSONS) + 2
    assert panel.objectName() == "lessonsPanel"
    assert panel.current == "derivative"
    assert _list(panel).count() == len(ids)


def test_entry_table() -> None:
    assert ENTRY_TARGETS["derivative"] == ("calculus", "derivative")
    assert ENTRY_TARGETS["partial-derivatives"] == ("calculus", "partial")
    assert ENTRY_TARGETS["cost-function"] == ("lesson", "cost-function")
    for entry in ENTRIES:
        if entry.kind == "lesson":
            get_lesson(entry.target)  # raises if the engine does not know it
        assert 3 <= entry.text.count(". ") + 1 <= 8, entry.id  # short texts


def test_next_emits_for_each_kind(panel: LessonsPanel, qtbot) -> None:
    next_button = _button(panel, "lessonNext")
    with qtbot.waitSignal(panel.calculusChosen, timeout=1000) as blocker:
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["partial"]
    assert panel.current == "partial-derivatives"
    with qtbot.waitSignal(panel.lessonChosen, timeout=1000) as blocker:
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["cost-function"]
    assert panel.current == "cost-function"
    with qtbot.waitSignal(panel.calculusChosen, timeout=1000) as blocker:
        qtbot.mouseClick(_button(panel, "lessonPrevious"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["partial"]


def test_buttons_disabled_at_the_ends(panel: LessonsPanel) -> None:
    previous, next_button = _button(panel, "lessonPrevious"), _button(panel, "lessonNext")
    assert not previous.isEnabled() and next_button.isEnabled()
    assert f"1 of {len(ENTRIES)}" in panel.step_label.text()
    last = panel.entries()[-1][0]
    panel.set_current(last)
    assert previous.isEnabled() and not next_button.isEnabled()
    assert panel.step_label.text() == f"{len(ENTRIES)} of {len(ENTRIES)}"


def test_pick_from_list(panel: LessonsPanel, qtbot) -> None:
    ids = [entry_id for entry_id, _ in panel.entries()]
    lessons: list[str] = []
    calculus: list[str] = []
    panel.lessonChosen.connect(lessons.append)
    panel.calculusChosen.connect(calculus.append)
    widget = _list(panel)
    row = ids.index("overshoot")
    widget.scrollToItem(widget.item(row))
    rect = widget.visualItemRect(widget.item(row))
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert lessons == ["overshoot"] and calculus == []
    assert panel.current == "overshoot"
    text = panel.findChild(QTextBrowser, "lessonText")
    assert text is not None
    assert text.toPlainText() == get_lesson("overshoot").text
    assert panel.title.text() == get_lesson("overshoot").title


def test_set_current_emits_nothing(panel: LessonsPanel) -> None:
    emitted: list[str] = []
    panel.lessonChosen.connect(emitted.append)
    panel.calculusChosen.connect(emitted.append)
    panel.set_current("stochastic")
    panel.set_current("partial-derivatives")
    assert emitted == []
    assert panel.current == "partial-derivatives"
    assert _list(panel).currentRow() == 1
    with pytest.raises(KeyError):
        panel.set_current("no-such-lesson")


def test_set_scale_grows_the_text(panel: LessonsPanel) -> None:
    before = panel.text.font().pointSizeF()
    panel.set_scale(1.5)
    assert panel.text.font().pointSizeF() == pytest.approx(before * 1.5)
    assert panel.text.document().defaultFont().pointSizeF() == pytest.approx(before * 1.5)
