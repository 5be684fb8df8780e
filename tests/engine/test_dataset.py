"""Datasets: validation messages, immutable edits, CSV in and out."""

import numpy as np
import pytest

from gd_explorer.engine import Dataset, DatasetError


def test_columns_are_read_only_copies():
    x = np.array([1.0, 2.0, 3.0])
    data = Dataset(x, [1, 2, 3])
    x[0] = 99.0
    assert data.x[0] == 1.0
    with pytest.raises(ValueError):
        data.x[0] = 5.0


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, 2, 3], [1, 2], r"x has 3 values but y has 2"),
        ([1], [1], r"at least 2 points"),
        ([], [], r"at least 2 points to fit a line, got 0"),
        ([1, float("nan"), 3], [1, 2, 3], r"x has nan in row 2"),
        ([1, 2, 3], [1, 2, float("inf")], r"y has inf in row 3"),
        ([1, "a", 3], [1, 2, 3], r"x must contain only numbers"),
        ([[1, 2], [3, 4]], [1, 2], r"x must be a single column"),
    ],
)
def test_bad_columns_are_explained(x, y, message):
    with pytest.raises(DatasetError, match=message):
        Dataset(x, y)


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


def test_edits_return_new_datasets_and_leave_the_old_one_alone():
    data = Dataset([1, 2, 3], [4, 5, 6], "d")
    added = data.with_point(7, 8)
    moved = data.moved(1, 2.5, 5.5)
    removed = data.without(0)
    assert data == Dataset([1, 2, 3], [4, 5, 6], "d")
    assert added == Dataset([1, 2, 3, 7], [4, 5, 6, 8], "d")
    assert moved == Dataset([1, 2.5, 3], [4, 5.5, 6], "d")
    assert removed == Dataset([2, 3], [5, 6], "d")


def test_edits_validate_too():
    data = Dataset([1, 2], [3, 4])
    with pytest.raises(DatasetError, match="at least 2 points"):
        data.without(0)
    with pytest.raises(DatasetError, match="there is no point 5"):
        data.moved(5, 0, 0)
    with pytest.raises(DatasetError, match="y has nan"):
        data.with_point(1.0, float("nan"))


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_round_trip_is_exact(tmp_path):
    data = Dataset([0.1, 1 / 3, -2e-300, 1e100], [np.pi, -0.0, 5, 7], "exact")
    path = tmp_path / "out.csv"
    data.to_csv(path)
    back = Dataset.from_csv(path, name="exact")
    assert back == data


@pytest.mark.parametrize(
    "text",
    [
        "x,y\n1,4\n3,3\n4,7\n",
        "1,4\n3,3\n4,7\n",
        "# made by hand\n\nx y\n1 4\n3   3\n4\t7\n",
        "a;b\n1;4\n3;3\n4;7\n",
        "y,x\n4,1\n3,3\n7,4\n",
        "\ufeffX,Y\n1,4\n3,3\n4,7\n",
    ],
)
def test_csv_formats(tmp_path, text):
    data = Dataset.from_csv(write(tmp_path, text))
    np.testing.assert_array_equal(data.x, [1, 3, 4])
    np.testing.assert_array_equal(data.y, [4, 3, 7])
    assert data.name == "data"


def test_csv_columns_by_name_and_index(tmp_path):
    path = write(tmp_path, "id,hours,score,passed\n1,2.5,60,0\n2,4,80,1\n3,1,30,0\n")
    by_name = Dataset.from_csv(path, x="hours", y="passed")
    by_index = Dataset.from_csv(path, x=1, y=3)
    np.testing.assert_array_equal(by_name.x, [2.5, 4, 1])
    np.testing.assert_array_equal(by_name.y, [0, 1, 0])
    assert by_index == by_name
    first_two = Dataset.from_csv(path)
    np.testing.assert_array_equal(first_two.x, [1, 2, 3])


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("x,y\n1,2\n3,abc\n", {}, r"line 3, column 2 \(y\): 'abc' is not a number"),
        ("x,y\n1,2\n3,\n", {}, r"line 3, column 2 \(y\): empty value"),
        ("x,y\n1,2\nnan,4\n", {}, r"line 3, column 1 \(x\): 'nan' is not a finite number"),
        ("x,y\n1,2\n# note\n\n5\n", {}, r"line 5: has 1 column, column 2 \(y\) is missing"),
        ("1 2\n3 4\n5 six\n", {}, r"line 3, column 2 \(y\): 'six' is not a number"),
        ("", {}, r"no data"),
        ("x,y\n", {}, r"header but no data rows"),
        ("justone\n1\n", {}, r"line 1: found one column"),
        ("a,b\n1,2\n", {"x": "hours"}, r"no column named 'hours' for x; the header has: a, b"),
        ("1,2\n3,4\n", {"y": "score"}, r"no header line"),
        ("a,b\n1,2\n", {"y": 4}, r"column index 4 for y is out of range"),
        ("x,y\n1,2\n", {}, r"data.csv: a dataset needs at least 2 points to fit a line, got 1"),
    ],
)
def test_csv_errors_name_line_and_column(tmp_path, text, kwargs, message):
    path = write(tmp_path, text)
    with pytest.raises(DatasetError, match=message) as caught:
        Dataset.from_csv(path, **kwargs)
    if "line" in message:
        assert str(path) in str(caught.value)


def test_csv_missing_and_binary_files(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        Dataset.from_csv(tmp_path / "nope.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(DatasetError, match="not a text file"):
        Dataset.from_csv(binary)


def test_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("x,y\n1,2\n3,4\n")
    with pytest.raises(DatasetError, match="cannot write"):
        Dataset([1, 2], [3, 4]).to_csv(tmp_path / "missing-dir" / "new.csv")
    assert path.read_text() == "x,y\n1,2\n3,4\n"


def test_shipped_sample_datasets_are_the_articles():
    from pathlib import Path

    from gd_explorer.engine import ARTICLE_CLASSES, article_dataset

    folder = Path(__file__).resolve().parents[2] / "resources" / "datasets"
    assert Dataset.from_csv(folder / "article.csv", name="article") == article_dataset()
    classes = Dataset.from_csv(folder / "article-classes.csv", name="article classes")
    assert classes == article_dataset(ARTICLE_CLASSES)
