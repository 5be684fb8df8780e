"""A run on data exported as a NumPy script (and a notebook) repeats the run's numbers.

Each script is run as a student would run it: a separate ``python -I``, which cannot
import this package. Its path and costs are compared with the engine's trajectory.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    standardise,
)
from gd_explorer.run_script import run_notebook, run_script, write_run_script

FINAL = re.compile(r"final slope and intercept: m = (\S+), b = (\S+)$")
RULES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "linesearch")
VARIANTS = ("batch", "stochastic", "minibatch")
SCHEDULES = {
    "constant": None,
    "step": {"every": 7, "factor": 0.6},
    "exponential": {"factor": 0.97},
    "inverse": {"decay": 0.05},
    "cosine": {"min_rate": 0.001},
}
#: Learning rates that make each rule go somewhere in a few dozen steps, per model.
RATES = {
    "linear": {"gd": 0.02, "momentum": 0.005, "nesterov": 0.005, "newton": 0.7},
    "logistic": {"gd": 0.5, "momentum": 0.2, "nesterov": 0.2, "newton": 0.8},
}
OTHER_RATE = {"linear": 0.1, "logistic": 0.3}
STEPS = 40

# Runs a batch of scripts, each as its own __main__, and reports each one's last
# line of output with the path and costs its main block left behind.
DRIVER = textwrap.dedent(
    """
    import contextlib, io, json, runpy, sys
    report = {}
    for path in sys.argv[1:]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            names = runpy.run_path(path, run_name="__main__")
        report[path] = {
            "last": out.getvalue().strip().splitlines()[-1],
            "path": [list(point) for point in names["path"]],
            "costs": list(names["costs"]),
        }
    print(json.dumps(report))
    """
)


def problems() -> dict[str, object]:
    rng = np.random.default_rng(7)
    x = rng.normal(3.0, 2.0, 300)
    classes = (x + rng.normal(0.0, 1.5, x.size) > 3.0).astype(float)
    return {
        "linear": LinearRegression(article_dataset()),
        "logistic": LogisticRegression(article_dataset(ARTICLE_CLASSES)),
        # Over 64 rows the logistic sums run in NumPy, not row by row.
        "logistic, 300 rows": LogisticRegression(Dataset(x, classes), l2=0.02),
        "linear, 300 rows": LinearRegression(Dataset(x, 2.0 * x + rng.normal(0, 1, x.size))),
    }


def matrix() -> list[tuple[str, object, DescentConfig]]:
    """Every rule × variant × schedule × model × held/free (with and without a penalty)."""
    found = problems()
    cases = []
    combos = itertools.product(RULES, VARIANTS, SCHEDULES, ("linear", "logistic"), (False, True))
    for number, (rule, variant, schedule, model, held) in enumerate(combos):
        problem = found[model]
        if number % 3 == 0:  # a third of the runs with an L2 penalty on the slope
            problem = type(problem)(problem.data, l2=0.1)
        config = DescentConfig(
            RATES[model].get(rule, OTHER_RATE[model]),
            STEPS,
            variant=variant,
            batch_size=3 if number % 2 else 6,  # sparse and dense batches
            seed=number,
            init=(0.5, 0.0) if model == "linear" else (0.0, -1.0),
            fixed={"b": 2.6 if model == "linear" else -4.0} if held else None,
            optimizer=rule,
            schedule=schedule,
            schedule_options=SCHEDULES[schedule],
        )
        name = f"{rule}-{variant}-{schedule}-{model}-{'held' if held else 'free'}"
        cases.append((name, problem, config))
    return cases


def run_scripts(paths) -> dict[str, dict]:
    done = subprocess.run(
        [sys.executable, "-I", "-c", DRIVER, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def assert_same_run(report: dict, trajectory) -> None:
    """The script's path and costs are the trajectory's, to 1e-12 of their size."""
    path = np.array(report["path"], dtype=float)
    assert path.shape == trajectory.params.shape, (path.shape, trajectory.params.shape)
    np.testing.assert_allclose(path, trajectory.params, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(report["costs"], trajectory.cost, rtol=1e-12, atol=1e-12)
    match = FINAL.match(report["last"])
    assert match, report["last"]
    final = float(match[1]), float(match[2])
    np.testing.assert_allclose(final, trajectory.final, rtol=1e-12, atol=1e-12)


def test_every_rule_variant_schedule_model_and_held_intercept_is_repeated(tmp_path):
    cases = matrix()
    assert len(cases) == 8 * 3 * 5 * 2 * 2
    trajectories = {}
    for name, problem, config in cases:
        trajectories[name] = descend(problem, config)
        write_run_script(tmp_path / f"{name}.py", problem, config, trajectories[name].seed)
    reports = run_scripts(sorted(tmp_path.glob("*.py")))
    for name, _, _ in cases:
        assert_same_run(reports[str(tmp_path / f"{name}.py")], trajectories[name])


def more_cases() -> dict[str, tuple[object, DescentConfig, object]]:
    found = problems()
    line, classes = found["linear"], found["logistic"]
    big_classes, big_line = found["logistic, 300 rows"], found["linear, 300 rows"]
    return {
        "article slope and intercept": (line, DescentConfig(0.01, 4000), None),
        "article slope only, diverges": (
            line,
            DescentConfig(0.06, 200, fixed={"b": 2.6}),
            None,
        ),
        "logistic slope, b held": (
            classes,
            DescentConfig(1.0, 1000, fixed={"b": -67.57}),
            None,
        ),
        "standardised x, stochastic adam": (
            line,
            DescentConfig(0.05, 300, variant="stochastic", seed=3, optimizer="adam"),
            standardise(line.data),
        ),
        "standardised x with a penalty, mini-batch newton": (
            LinearRegression(line.data, l2=0.5),
            DescentConfig(0.5, 50, variant="minibatch", batch_size=4, seed=9, optimizer="newton"),
            standardise(line.data),
        ),
        "standardised logistic, line search": (
            classes,
            DescentConfig(2.0, 100, optimizer="linesearch", tolerance=1e-9),
            standardise(classes.data),
        ),
        "300-row logistic mini-batch with tolerance": (
            big_classes,
            DescentConfig(0.5, 400, variant="minibatch", batch_size=20, seed=1, tolerance=1e-3),
            None,
        ),
        "300-row logistic stochastic rmsprop": (
            big_classes,
            DescentConfig(0.05, 300, variant="stochastic", seed=2, optimizer="rmsprop"),
            None,
        ),
        "300-row line, mini-batch of 250 (dense draws)": (
            big_line,
            DescentConfig(0.01, 300, variant="minibatch", batch_size=250, seed=4),
            None,
        ),
        "gradient noise on batch steps": (
            line,
            DescentConfig(0.01, 200, noise=0.5, seed=3, optimizer="momentum"),
            None,
        ),
        "batch larger than the data": (
            line,
            DescentConfig(0.01, 100, variant="minibatch", batch_size=50, seed=4),
            None,
        ),
    }


@pytest.mark.parametrize("case", more_cases())
def test_a_script_run_as_a_student_would_prints_the_run_s_final_point(tmp_path, case):
    problem, config, scaling = more_cases()[case]
    on = problem if scaling is None else scaling.problem(problem)
    trajectory = descend(on, config)
    path = write_run_script(tmp_path / "run.py", problem, config, trajectory.seed, scaling)
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    match = FINAL.match(lines[-1])
    assert match, lines
    final = float(match[1]), float(match[2])
    np.testing.assert_allclose(final, trajectory.final, rtol=1e-12, atol=1e-12)
    assert lines[0].startswith(f"{trajectory.steps} steps"), (lines[0], trajectory.message)
    if scaling is not None:
        slope, intercept = scaling.to_original(trajectory.final)
        assert lines[-2] == f"on the original x: slope {slope!r}, intercept {intercept!r}"


def test_the_article_s_numbers_come_out_of_the_script(tmp_path):
    line = LinearRegression(article_dataset())
    path = write_run_script(tmp_path / "run.py", line, DescentConfig(0.01, 4000))
    done = subprocess.run([sys.executable, "-I", str(path)], capture_output=True, text=True)
    match = FINAL.match(done.stdout.strip().splitlines()[-1])
    assert match, done.stdout
    # DESIGN's numbers for 4000 steps from (0, 0) at learning rate 0.01.
    assert float(match[1]) == pytest.approx(0.8450107631510549, abs=1e-15)
    assert float(match[2]) == pytest.approx(2.6022056448336817, abs=1e-15)


def test_the_script_teaches_and_needs_only_numpy():
    text = run_script(LogisticRegression(article_dataset(ARTICLE_CLASSES), l2=0.1),
                      DescentConfig(0.5, 10, variant="stochastic", seed=1))  # fmt: skip
    assert "J(m, b) = −1/n Σ [y·log p + (1 − y)·log(1 − p)]  +  (λ/2)·m²" in text
    assert "∂J/∂m   = 1/n Σ (p − y)·x  +  λ·m" in text
    assert "L2 = 0.1" in text and "SEED = 1" in text
    imports = {
        line.split()[1] for line in text.splitlines() if line.startswith(("import", "from"))
    }
    assert imports == {"math", "numpy"}
    assert "gd_explorer" not in text
    linear = run_script(LinearRegression(article_dataset()), DescentConfig(0.01, 10))
    assert "J(m, b) = 1/(2n) Σ (y − (m·x + b))²  +  (λ/2)·m²" in linear
    assert "∂J/∂b   = −1/n Σ (y − (m·x + b))" in linear
    assert "1.0, 3.0, 4.0, 5.0, 6.0, 7.0," in linear  # the article's x, readable


def code_of(notebook_text: str) -> str:
    document = json.loads(notebook_text)
    assert document["nbformat"] == 4 and document["nbformat_minor"] >= 4
    assert document["metadata"]["kernelspec"]["language"] == "python"
    ids = [cell["id"] for cell in document["cells"]]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", i) for i in ids)
    for cell in document["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and cell["metadata"] == {}
        assert isinstance(cell["source"], list)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    kinds = [cell["cell_type"] for cell in document["cells"]]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= 5
    # A notebook is not run as a file: it says how it is run.
    first = "".join(document["cells"][0]["source"])
    assert "Run the cells from the top" in first and "this_file.py" not in first
    return "\n\n".join(
        "".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code"
    )


@pytest.mark.parametrize("case", ["standardised x, stochastic adam", "logistic slope, b held"])
def test_the_notebook_s_code_cells_repeat_the_run(tmp_path, case):
    problem, config, scaling = more_cases()[case]
    on = problem if scaling is None else scaling.problem(problem)
    trajectory = descend(on, config)
    code = code_of(run_notebook(problem, config, trajectory.seed, scaling))
    assert "__main__" not in code  # the last cell runs the descent as it is
    path = tmp_path / "cells.py"
    path.write_text(code, encoding="utf-8")
    assert_same_run(run_scripts([path])[str(path)], trajectory)


def test_large_data_goes_in_as_exact_packed_floats(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(0.0, 3.0, 20_000) * np.pi  # every digit matters
    data = Dataset(x, 0.7 * x + rng.normal(0.0, 1.0, x.size))
    problem, config = LinearRegression(data), DescentConfig(0.02, 300, variant="minibatch",
                                                             batch_size=64, seed=8)  # fmt: skip
    trajectory = descend(problem, config)
    path = write_run_script(tmp_path / "big.py", problem, config)
    text = path.read_text(encoding="utf-8")
    assert "base64.b64decode" in text
    assert len(text) < 13 * 2 * 20_000  # 12 bytes a number, not 20 or more
    assert_same_run(run_scripts([path])[str(path)], trajectory)
