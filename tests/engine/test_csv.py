"""Reading large and hostile CSV files: numpy's speed, the line-by-line messages, bounds."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_explorer.engine import MAX_MAGNITUDE, Dataset, DatasetError, csvio


def write_rows(path, x, y, header="x,y", sep=","):
    lines = [header] if header else []
    lines += [f"{a!r}{sep}{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def columns(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.normal(size=n) * 1e3


# Many blocks of numpy's reader: problems far from the top are still found by line and column.


def test_a_file_of_many_blocks_reads_exactly(tmp_path):
    x, y = columns(60_000)
    data = Dataset.from_csv(write_rows(tmp_path / "big.csv", x, y))
    np.testing.assert_array_equal(data.x, x)
    np.testing.assert_array_equal(data.y, y)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("3.5,abc", r"line 50002, column 2 \(y\): 'abc' is not a number"),
        ("nan,4", r"line 50002, column 1 \(x\): 'nan' is not a finite number"),
        ("1e999,4", r"line 50002, column 1 \(x\): '1e999' is not a finite number"),
        ("3.5,", r"line 50002, column 2 \(y\): empty value"),
        ("3.5", r"line 50002: has 1 column, column 2 \(y\) is missing"),
    ],
)
def test_a_bad_value_deep_in_a_large_file_names_its_line_and_column(tmp_path, bad, message):
    x, y = columns(80_000)
    lines = ["x,y"] + [f"{a!r},{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    lines[50_001] = bad
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=message) as caught:
        Dataset.from_csv(path)
    assert str(path) in str(caught.value)


def test_comments_blank_lines_quotes_and_crlf_anywhere_read_as_before(tmp_path):
    rows = []
    expected = []
    for i in range(40_000):
        if i % 9_000 == 1:
            rows.append("# a note in the middle")
        if i % 7_000 == 2:
            rows.append("")
        value = f'"{i}"' if i % 11_000 == 3 else str(i)
        rows.append(f"{value} ; {i / 4}")
        expected.append((i, i / 4))
    path = tmp_path / "mixed.csv"
    path.write_bytes(("a;b\r\n" + "\r\n".join(rows) + "\r\n").encode())
    data = Dataset.from_csv(path)
    np.testing.assert_array_equal(np.column_stack([data.x, data.y]), expected)


def test_a_comment_line_is_never_read_as_numbers_in_whitespace_files(tmp_path):
    x, y = columns(30_000)
    lines = [
        f"{i} {a!r} {b!r}" for i, (a, b) in enumerate(zip(x.tolist(), y.tolist(), strict=True))
    ]
    lines.insert(20_000, "# 1 2")
    path = tmp_path / "spaces.txt"
    path.write_text("\n".join(lines) + "\n")
    data = Dataset.from_csv(path, x=1, y=2)
    np.testing.assert_array_equal(data.x, x)
    np.testing.assert_array_equal(data.y, y)


def test_a_line_break_error_after_many_carriage_return_lines_counts_lines(tmp_path):
    # Old Mac line ends: each \r ends a line, as before.
    path = tmp_path / "mac.csv"
    path.write_bytes(("x,y\r" + "\r".join(f"{i},{i}" for i in range(30_000)) + "\rz,1\r").encode())
    with pytest.raises(DatasetError, match=r"line 30002, column 1 \(x\): 'z' is not a number"):
        Dataset.from_csv(path)


def test_the_number_of_rows_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "MAX_ROWS", 5_000)
    x, y = columns(5_000)
    assert len(Dataset.from_csv(write_rows(tmp_path / "ok.csv", x, y))) == 5_000
    x, y = columns(5_001)
    with pytest.raises(DatasetError, match=r"more than 5,000 rows"):
        Dataset.from_csv(write_rows(tmp_path / "over.csv", x, y))


def test_the_documented_row_limit_is_ten_million():
    assert csvio.MAX_ROWS == 10_000_000
    assert csvio.MAX_BYTES == 1 << 30


# Progress and cancelling.


def test_progress_reports_bytes_read_until_the_whole_file(tmp_path):
    path = write_rows(tmp_path / "big.csv", *columns(50_000))
    seen = []
    Dataset.from_csv(path, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


def test_an_exception_from_progress_stops_the_read(tmp_path):
    path = write_rows(tmp_path / "big.csv", *columns(50_000))

    class Stop(Exception):
        pass

    calls = []

    def stop(done, total):
        calls.append(done)
        raise Stop

    with pytest.raises(Stop):
        Dataset.from_csv(path, progress=stop)
    assert len(calls) == 1


# Hostile files.


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(DatasetError, match=r"/dev/zero: not a regular file \(a device\)"):
        Dataset.from_csv("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(DatasetError, match=r"not a regular file \(a pipe\)"):
        Dataset.from_csv(pipe)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatasetError, match=r"a folder|cannot read"):
        Dataset.from_csv(tmp_path)


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "MAX_BYTES", 1_000)
    path = tmp_path / "large.csv"
    path.write_text("x,y\n" + "1,2\n" * 250)
    with pytest.raises(
        DatasetError, match=r"larger than 1,000 bytes, the most the explorer reads"
    ):
        Dataset.from_csv(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs sparse files")
def test_a_file_larger_than_1_gib_is_refused(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(csvio.MAX_BYTES + 1)
    with pytest.raises(DatasetError, match=r"larger than 1 GiB, the most the explorer reads"):
        Dataset.from_csv(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
def test_what_is_read_is_bounded_even_when_the_size_is_reported_as_zero(monkeypatch):
    # /proc files report size 0 but have content, as /dev/zero did before it was refused.
    assert os.stat("/proc/self/maps").st_size == 0
    monkeypatch.setattr(csvio, "MAX_BYTES", 64)
    with pytest.raises(DatasetError, match=r"larger than 64 bytes, the most the explorer reads"):
        Dataset.from_csv("/proc/self/maps")


def test_a_very_long_line_is_refused_with_its_number(tmp_path, monkeypatch):
    # The limit bounds what is held while a line's end is sought across reads.
    monkeypatch.setattr(csvio, "MAX_LINE", 1_000)
    monkeypatch.setattr(csvio, "BLOCK", 256)
    path = tmp_path / "long.csv"
    path.write_text("x,y\n1,2\n3," + "4" * 5_000 + "\n")
    with pytest.raises(DatasetError, match=r"line 3 is longer than 1,000 characters"):
        Dataset.from_csv(path)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("latin-1", b""),
        ("cp1252", b""),
    ],
)
@pytest.mark.parametrize("block", [1 << 16, 1_001])
def test_text_encodings_are_read(tmp_path, monkeypatch, encoding, bom, block):
    # An odd block size cuts characters of two and more bytes between reads.
    monkeypatch.setattr(csvio, "BLOCK", block)
    header = "durée (€);poids" if encoding == "cp1252" else "durée;poids"
    rows = (f"{i};{i * 2}\r\n" + ("# é à ü ±\r\n" if i % 97 == 0 else "") for i in range(30_000))
    text = header + "\r\n" + "".join(rows)
    path = tmp_path / "data.csv"
    path.write_bytes(bom + text.encode(encoding))
    data = Dataset.from_csv(path, y="poids")
    np.testing.assert_array_equal(data.x, np.arange(30_000))
    np.testing.assert_array_equal(data.y, np.arange(30_000) * 2)


def test_latin1_text_late_in_a_file_is_read_too(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i}\n" for i in range(40_000)) + "# fin de données\n1,2\n"
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode("latin-1"))
    assert len(Dataset.from_csv(path)) == 40_001


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\xff\xfe",
        b"x,y\n1,2\n\x00\x01\x02\x03\x00\x00",
        "x,y\n1,2\n".encode("utf-16-le"),  # no byte order mark
        b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)),
    ],
)
def test_binary_files_are_still_not_text(tmp_path, content):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match="not a text file"):
        Dataset.from_csv(path)


def test_a_broken_utf16_file_names_the_encoding_problem(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe" + "x,y\n1,2\n3,4\n".encode("utf-16-le") + b"\x00")
    with pytest.raises(DatasetError, match=r"UTF-16.*truncated"):
        Dataset.from_csv(path)


def test_an_error_of_the_dataset_itself_is_passed_on_with_the_file_name(tmp_path, monkeypatch):
    # The dataset's own checks (here a stand-in for its refusal of overflow-prone values)
    # reach the user as they are, after the file's name.
    def refuse(self, x, y, name=""):
        raise DatasetError("x holds 1e+308 in row 2: values that large overflow the cost")

    path = tmp_path / "huge-values.csv"
    path.write_text("x,y\n1,2\n5,3\n")  # the reader itself finds nothing wrong
    monkeypatch.setattr(Dataset, "__init__", refuse)
    with pytest.raises(DatasetError) as caught:
        Dataset.from_csv(path)
    message = "x holds 1e+308 in row 2: values that large overflow the cost"
    assert str(caught.value) == f"{path}: {message}"


def test_text_parsing_without_a_file_is_unchanged():
    xs, ys = csvio.parse_columns("# c\nx;y\n1;2\n3;4\n")
    assert xs.tolist() == [1, 3] and ys.tolist() == [2, 4]
    with pytest.raises(csvio.ParseError, match=r"line 4, column 2 \(y\): 'z' is not a number"):
        csvio.parse_columns("# c\nx;y\n1;2\n3;z\n")


def test_a_path_given_as_text_works(tmp_path):
    path = write_rows(tmp_path / "p.csv", *columns(10))
    assert len(Dataset.from_csv(str(path))) == len(Dataset.from_csv(Path(path)))


# The fast path never changes an answer: every text reads (or fails) as line by line.

# Mostly good rows, so that a difference far from the top is reached.
_PIECES = st.sampled_from(
    ["1", "-2.5", "3e2", " 4 ", "0.1"] * 30
    + ["nan", "inf", "", "x", '"5"', '"1,2"', "#", "١", "1_0", "0x1"]
)
_SEPARATORS = st.sampled_from([",", ";", "\t", " ", "  "])
_BREAKS = st.sampled_from(["\n"] * 10 + ["\r\n"] * 5 + ["\r", "\x0c"])


@st.composite
def _texts(draw):
    separator = draw(_SEPARATORS)
    lines = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["row"] * 6 + ["blank", "comment"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        elif kind == "comment":
            lead = draw(st.sampled_from(["# note", "#", "  #"]))
            lines.append(lead + separator + separator.join(["1", "2", "3", "4"]))
        else:
            fields = draw(st.lists(_PIECES, min_size=1, max_size=5))
            lines.append(separator.join(fields))
    breaks = draw(st.lists(_BREAKS, min_size=len(lines), max_size=len(lines)))
    return "".join(line + end for line, end in zip(lines, breaks, strict=True))


def _outcome(text, x, y):
    try:
        xs, ys = csvio.parse_columns(text, x, y)
    except csvio.ParseError as error:
        return str(error)
    return xs.tolist(), ys.tolist()


@settings(max_examples=300, deadline=None)
@given(text=_texts(), x=st.sampled_from([None, 0, 2]), y=st.sampled_from([None, 1, 3]))
def test_numpy_reads_exactly_what_the_line_by_line_parser_reads(text, x, y):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvio, "BLOCK", 16)  # many small blocks: cuts fall everywhere
        fast = _outcome(text, x, y)
        patch.setattr(csvio, "_parse_fast", lambda text, layout: None)
        slow = _outcome(text, x, y)
    assert fast == slow


def test_a_field_too_large_for_the_csv_module_is_a_parse_error_with_its_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('x,y\n1,2\n"' + "9" * 200_000 + '",3\n')
    with pytest.raises(DatasetError, match=r"data.csv: line 3: field larger than field limit"):
        Dataset.from_csv(path)


@st.composite
def _hostile_bytes(draw):
    """Bytes a damaged or mislabelled file could hold, some of them nearly CSV."""
    pieces = st.sampled_from(
        [
            b"x",
            b"y",
            b",",
            b";",
            b"\t",
            b" ",
            b"\n",
            b"\r",
            b"\r\n",
            b'"',
            b"#",
            b"\x00",
            b"\xff\xfe",
            b"\xfe\xff",
            b"\xef\xbb\xbf",
            b"\xe9",
            b"1",
            b"-2.5",
            b"1e308",
            b"1e100",
            b"1e-320",
            b"nan",
            b"inf",
            b"0x1p3",
            b"1_000",
            b"\xc3\xa9",
            b"\x80",
        ]
    )
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    return b"".join(draw(st.lists(pieces, max_size=80)))


@settings(max_examples=400, deadline=None)
@given(content=_hostile_bytes())
def test_any_bytes_give_a_dataset_or_a_dataset_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(content)
    try:
        data = Dataset.from_csv(path)
    except DatasetError as error:
        assert "data.csv" in str(error)  # every refusal names the file
        return
    assert len(data) >= 2
    assert np.all(np.isfinite(data.x)) and np.all(np.isfinite(data.y))
    # Values whose squares could overflow are refused, never stored.
    assert max(np.max(np.abs(data.x)), np.max(np.abs(data.y))) <= MAX_MAGNITUDE


def test_a_value_whose_square_overflows_names_its_line_and_column(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n1,2\n3,1e200\n4,5\n")
    with pytest.raises(DatasetError, match=r"line 3, column 2 \(y\): 1e\+200 .*±1e\+100"):
        Dataset.from_csv(path)
