"""Output paths the tool cannot write: a clear error naming the path, never a traceback.

Each case comes from fuzzing the CLI (issue 12, item 8): the message names the path and
a fix, the exit status is 1 or 2, and no file (partial or temporary) is left behind.
"""

from __future__ import annotations

import errno
import os
import stat

import pytest

from ceasefire._files import TEMPORARY_MARK, atomic_path, check_writable, write_text_atomic
from ceasefire.errors import InputError


def _no_temporary(folder):
    return not [p for p in folder.rglob("*") if TEMPORARY_MARK in p.name]


# --- the atomic writer ---------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_and_stays_a_device(device):
    with pytest.raises(InputError, match=f"{device}: it is a device"):
        write_text_atomic(device, "{}")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="it is a pipe"):
        write_text_atomic(fifo, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="it is a folder; fix: give a file name"):
        write_text_atomic(tmp_path, "x")


def test_a_symlink_is_written_through(tmp_path):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old")
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_the_mode_of_a_replaced_file_is_kept(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_temporary_file_is_removed_on_any_exception(tmp_path, error):
    target = tmp_path / "deals.parquet"
    target.write_text("previous")
    seen = []
    with pytest.raises(type(error)), atomic_path(target) as temporary:
        seen.append(temporary)
        temporary.write_bytes(b"PAR1")  # the stub a killed Parquet export used to leave
        raise error
    assert seen[0].name.startswith(".deals.parquet" + TEMPORARY_MARK)
    assert target.read_text() == "previous"
    assert _no_temporary(tmp_path)


def test_a_file_in_place_of_a_folder(tmp_path):
    blocker = tmp_path / "report.json"
    blocker.write_text("{}")
    for path in (blocker / "sub", blocker / "sub" / "report.html"):
        with pytest.raises(InputError, match=f"{blocker} is a file, not a folder"):
            write_text_atomic(path, "x")
        with pytest.raises(InputError, match="is a file, not a folder"):
            check_writable(path)
    assert blocker.read_text() == "{}"


def test_a_name_too_long(tmp_path):
    with pytest.raises(InputError, match=r"File name too long.*shorter name"):
        write_text_atomic(tmp_path / ("a" * 300), "x")
    # a name that fits still gets a temporary name that fits
    write_text_atomic(tmp_path / ("b" * 250), "x")
    assert _no_temporary(tmp_path)


@pytest.mark.parametrize("code, words", [(errno.EACCES, "change its permissions"),
                                         (errno.EROFS, "read-only"),
                                         (errno.ENOSPC, "disk is full")])
def test_system_refusals_name_the_path_and_a_fix(tmp_path, monkeypatch, code, words):
    # as root nothing is read-only, so the system's refusal is emulated
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)
    target = tmp_path / "out" / "schema.json"
    with pytest.raises(InputError) as caught:
        write_text_atomic(target, "x")
    message = str(caught.value)
    assert f"cannot write {target}" in message and words in message
    assert not target.exists() and _no_temporary(tmp_path)


def test_proc_is_refused_before_writing():
    with pytest.raises(InputError, match=r"cannot write /proc/x\.csv"):
        check_writable("/proc/x.csv")


# --- the commands ------------------------------------------------------------------------


def _clean_error(status, err, *words):
    assert status in (1, 2), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("target", ["/dev/null", "/dev/full"])
def test_schema_out_device(cli, target):
    status, _, err = cli("schema", "--out", target)
    _clean_error(status, err, target, "device", "fix:")
    assert stat.S_ISCHR(os.stat(target).st_mode)


def test_schema_out_folder(cli, tmp_path):
    status, _, err = cli("schema", "--out", str(tmp_path))
    _clean_error(status, err, str(tmp_path), "folder", "fix:")


def test_schema_out_existing_file_is_replaced(cli, tmp_path):
    target = tmp_path / "schema.json"
    target.write_text("old")
    status, _, err = cli("schema", "--out", str(target))
    assert status == 0, err
    assert target.read_text().startswith("{")


def test_schema_out_under_a_file(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    status, _, err = cli("schema", "--out", str(blocker / "sub"))
    _clean_error(status, err, str(blocker), "not a folder")


def test_schema_out_name_too_long(cli, tmp_path):
    status, _, err = cli("schema", "--out", str(tmp_path / ("x" * 300)))
    _clean_error(status, " ".join(err.split()), "too long", "shorter name")
    assert list(tmp_path.iterdir()) == []


def test_schema_out_read_only_folder(cli, tmp_path, monkeypatch):
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    status, _, err = cli("schema", "--out", str(tmp_path / "s.json"))
    _clean_error(status, " ".join(err.split()), "s.json", "Permission denied", "permissions")


def test_forecast_plot_folder(cli, tmp_path):
    status, _, err = cli("forecast", "tutorial", "--model", "median", "--plot", str(tmp_path))
    _clean_error(status, err, str(tmp_path), "folder")


def test_deals_export_to_proc_fails_before_the_work(cli, monkeypatch):
    import ceasefire.workflows as workflows

    def never(*args, **kwargs):
        raise AssertionError("the deal space was explored before the path was checked")

    monkeypatch.setattr(workflows, "explore", never)
    status, _, err = cli("deals", "tutorial", "--draws", "50", "--export", "/proc/x.csv")
    _clean_error(status, err, "--export", "/proc/x.csv", "fix:")


def test_new_refuses_a_device_even_with_force(cli):
    status, _, err = cli("new", "/dev/null", "--from", "tutorial", "--force")
    _clean_error(status, err, "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_unreadable_scenario_is_a_clear_error(cli, tmp_path, monkeypatch):
    from pathlib import Path

    scenario = tmp_path / "mine.yaml"
    scenario.write_text("id: x\n")
    real = Path.read_text

    def refuse(self, *args, **kwargs):
        if self == scenario:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    status, _, err = cli("show", str(scenario))
    _clean_error(status, " ".join(err.split()), str(scenario), "Permission denied")


def test_analyze_out_naming_a_file(cli, tmp_path):
    blocker = tmp_path / "results.json"
    blocker.write_text("{}")
    status, _, err = cli("analyze", "tutorial", "-n", "50", "--decomposition-draws", "20",
                         "--out", str(blocker))
    _clean_error(status, " ".join(err.split()), str(blocker), "not a folder")
    assert blocker.read_text() == "{}" and _no_temporary(tmp_path)


def test_analyze_out_dev_null(cli):
    status, _, err = cli("analyze", "tutorial", "-n", "50", "--decomposition-draws", "20",
                         "--out", "/dev/null")
    _clean_error(status, " ".join(err.split()), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_sigterm_unwinds_like_ctrl_c_and_leaves_no_temporary(tmp_path):
    import signal

    from ceasefire.cli.common import _terminate_as_interrupt

    before = signal.getsignal(signal.SIGTERM)
    target = tmp_path / "report.html"
    with pytest.raises(KeyboardInterrupt), _terminate_as_interrupt(), \
            atomic_path(target) as temporary:
        temporary.write_text("half a report")
        os.kill(os.getpid(), signal.SIGTERM)
    assert not target.exists() and _no_temporary(tmp_path)
    assert signal.getsignal(signal.SIGTERM) == before
