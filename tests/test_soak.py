"""The short soak: hundreds of careless actions on the real window, nothing going wrong.

The full soak (``benchmarks/soak.py --repeat 5``) takes minutes; this tenth of one runs
in every test run, in its own process, on the test display.
"""

import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[1] / "benchmarks" / "soak.py"


def test_a_short_soak_is_clean():
    result = subprocess.run(
        [sys.executable, str(SOAK), "--short"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "1 of 1 soaks clean" in result.stdout, report
    assert "problems none" in result.stdout, report
