"""Every write replaces its file whole or not at all, and follows no planted link."""

import errno
import os

import pytest

from gd_explorer.engine import Dataset, DatasetError, atomic


def test_a_planted_link_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "data.csv"
    # The old writer used the fixed name data.csv.tmp: a link there wrote through to the victim.
    (tmp_path / "data.csv.tmp").symlink_to(victim)
    target.symlink_to(victim)
    Dataset([1, 2], [3, 4]).to_csv(target)
    assert victim.read_text() == "keep me"
    assert not target.is_symlink()
    assert Dataset.from_csv(target).x.tolist() == [1.0, 2.0]


def test_a_full_disk_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "data.csv"
    Dataset([1, 2], [3, 4]).to_csv(target)
    before = target.read_bytes()

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(DatasetError, match="data.csv: cannot write .No space left on device"):
        Dataset([5, 6, 7], [7, 8, 9]).to_csv(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.bin"
    atomic.write_bytes(target, b"old")
    with pytest.raises(RuntimeError), atomic.atomic_write(target, "wb") as stream:
        stream.write(b"half of the new")
        raise RuntimeError("the writer failed halfway")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_the_old_permissions_are_kept(tmp_path):
    target = tmp_path / "shared.csv"
    atomic.write_text(target, "x,y\n")
    os.chmod(target, 0o644)
    atomic.write_text(target, "x,y\n1,2\n")
    assert target.stat().st_mode & 0o777 == 0o644
    assert target.read_text() == "x,y\n1,2\n"


def test_a_missing_folder_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.write_text(tmp_path / "missing" / "f.txt", "x")
