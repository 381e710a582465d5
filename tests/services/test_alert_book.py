"""The alert book: saved first, then the engine; a refused change changes nothing (real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.alerts.rules import rule_from_dict
from desktop.services.alert_book import AlertBook, BookError, StorageError
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import open_database


def rule(rule_id: str, level: float = 1.0):  # type: ignore[no-untyped-def]
    return rule_from_dict({"id": rule_id, "type": "price", "symbol": "SPY", "condition": "above", "level": level})


def test_changes_are_saved_and_seen_by_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    book = AlertBook(AlertRepository(open_database(path).connection), path=path)
    book.load()
    book.add(rule("a"))
    book.save(rule("b"))
    book.save(rule("a", 2.0))  # replaces, keeping its place
    assert [(r.id, r.level) for r in book.engine.rules] == [("a", 2.0), ("b", 1.0)]
    with pytest.raises(BookError, match="exists already"):
        book.add(rule("b"))
    with pytest.raises(BookError, match="no rule with id zz"):
        book.remove(["a", "zz"])
    assert [r.id for r in book.rules] == ["a", "b"], "all or none"
    again = AlertBook(AlertRepository(open_database(path).connection), path=path)
    again.load()
    assert [(r.id, r.level) for r in again.rules] == [("a", 2.0), ("b", 1.0)]


def test_a_change_the_database_refuses_leaves_the_engine_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    opened = open_database(path)
    book = AlertBook(AlertRepository(opened.connection), path=path)
    book.load()
    book.add(rule("a"))
    opened.connection.close()  # the database goes away under it
    with pytest.raises(StorageError):
        book.save(rule("b"))
    assert [r.id for r in book.engine.rules] == ["a"]


def test_removing_several_rules_is_one_transaction(tmp_path: Path) -> None:
    """A refusal on the second deletion undoes the first: the file and the engine still agree."""
    path = tmp_path / "t.db"
    opened = open_database(path)
    book = AlertBook(AlertRepository(opened.connection), path=path)
    book.load()
    book.add(rule("a"))
    book.add(rule("b"))
    opened.connection.execute(
        "CREATE TRIGGER refuse_b BEFORE DELETE ON alert_rule WHEN old.id = 'b' BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(StorageError):
        book.remove(["a", "b"])
    assert [r.id for r in book.rules] == ["a", "b"]
    again = AlertBook(AlertRepository(open_database(path).connection), path=path)
    again.load()
    assert [r.id for r in again.rules] == ["a", "b"], "the deletion of 'a' was rolled back"
    opened.connection.execute("DROP TRIGGER refuse_b")
    book.remove(["a", "b"])
    assert book.rules == [] and AlertRepository(open_database(path).connection).rules() == ([], [])
