"""The engine, the lessons and the runner loop must load without any Qt."""

import subprocess
import sys
import textwrap


def test_engine_and_lessons_import_without_qt():
    code = textwrap.dedent(
        """
        import sys

        class Block:
            BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "OpenGL")

            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in self.BLOCKED:
                    raise ImportError(f"{name} is blocked in this test")
                return None

        sys.meta_path.insert(0, Block())
        import gd_explorer.engine
        import gd_explorer.lessons
        import gd_explorer.runner  # the engine's process loop needs no Qt either
        # What the window is made of besides its widgets: state, scene, settings, framing.
        import gd_explorer.expressions
        import gd_explorer.files
        import gd_explorer.framing
        import gd_explorer.scene
        import gd_explorer.settings
        import gd_explorer.state
        from gd_explorer.engine import DescentConfig, descend
        lesson = gd_explorer.lessons.get_lesson("slope-small-steps")
        run = descend(lesson.problem, lesson.config)
        leaked = [m for m in sys.modules if m.split(".")[0] in Block.BLOCKED]
        assert not leaked, leaked
        print(run.status)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "max_steps"


def test_blocker_really_blocks():
    # The check above is only worth something if the blocker stops a Qt import.
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "PySide6":
                    raise ImportError("blocked")
                return None

        sys.meta_path.insert(0, Block())
        try:
            import PySide6.QtCore  # noqa: F401
        except ImportError:
            print("blocked")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "blocked"
