"""``sora-widgets gateway add | usage | revoke | reset | set-budget | top-up | serve``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets.cli import main as sora_widgets
from sora_widgets.gateway.cli import main as gateway
from sora_widgets.gateway.store import hash_key, open_store


def test_add_prints_the_key_alone_on_stdout_and_keeps_only_its_hash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "book.sqlite3")
    assert sora_widgets(["gateway", "add", "alice", "--budget", "5.00", "--db", db]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert out.count("\n") == 1 and key.startswith("sk-class-") and len(key) > 40
    assert "alice" in err and key not in err
    book = open_store(db)
    assert book.principal(key) is not None and book.principal(key).name == "alice"  # type: ignore[union-attr]
    book.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("book.sqlite3*"))  # the file and its WAL
    assert key.encode() not in raw and hash_key(key).encode() in raw


def test_default_book_lives_under_sora_widgets_home(
    capsys: pytest.CaptureFixture[str], _isolated_home: Path
) -> None:
    assert gateway(["add", "teacher", "--admin"]) == 0
    assert capsys.readouterr().out.startswith("sk-admin-")
    assert (_isolated_home / "gateway" / "gateway.sqlite3").exists()


def test_usage_revoke_reset_and_budgets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "book.sqlite3")
    gateway(["add", "bo", "--budget", "5", "--db", db])
    key = capsys.readouterr().out.strip()
    book = open_store(db)
    row = book.reserve("bo", 1_200_000, model="sora_2_pro_t2v", prompt="p", seconds=4, size=None)
    assert isinstance(row, str)
    book.forwarded(row, "up1")
    book.observe(row, "completed", cost=1_200_000)

    assert gateway(["usage", "--json", "--db", db]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (line["name"], line["spent"], line["remaining"], line["completed"]) == ("bo", "1.20", "3.80", 1)
    assert line["last_activity"] is not None

    assert gateway(["set-budget", "bo", "8", "--db", db]) == 0
    assert gateway(["top-up", "bo", "1.50", "--db", db]) == 0
    assert gateway(["reset", "bo", "--db", db]) == 0
    assert gateway(["usage", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "spent $0.00" in text and "remaining $9.50 of $9.50" in text

    assert gateway(["revoke", "bo", "--db", db]) == 0
    assert book.principal(key) is None
    assert gateway(["usage", "--db", db]) == 0
    assert "REVOKED" in capsys.readouterr().out
    book.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["revoke", "nobody"],
        ["set-budget", "bo", "lots"],
        ["top-up", "bo", "-1"],
        ["add", "bo"],
        ["add", "a/b"],
    ],
)
def test_bad_commands_say_why_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "book.sqlite3")
    gateway(["add", "bo", "--budget", "1", "--db", db])
    capsys.readouterr()
    assert gateway([*argv, "--db", db]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_serve_refuses_the_real_api_without_a_teacher_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert gateway(["serve", "--db", str(tmp_path / "b.sqlite3"), "--port", "0"]) == 2
    assert "VTRIX_API_KEY" in capsys.readouterr().err
