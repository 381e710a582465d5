"""Files dropped on the window: alert rules are imported, price files replayed, symbol lists made watchlists.

What a CSV file is (prices or a list of symbols) is read from its first line, what a text file is (rules in
words or symbols) from its first lines, off the GUI thread; each kind then goes where its menu command
would take it (Alerts ▸ Import…, Replay ▸ Open Price Files…, Watchlist ▸ Import Symbols…), so a drop says
what it did, or why not, in the same words.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent

from desktop.core.alerts.rule_files import reads_as_rules
from desktop.core.prices import looks_like_prices
from desktop.ui.short_lists import some
from desktop.ui.tasks import run_task
from desktop.ui.window_parts import WindowParts

RULE_SUFFIXES = (".toml", ".json")
LIST_SUFFIXES = (".txt", ".csv", ".tsv")
DroppedKinds = tuple[list[Path], list[Path], list[Path], list[Path]]


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files (or folders) a drag carries; none for text, links and other things."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def sorted_by_kind(paths: list[Path]) -> DroppedKinds:
    """(price files and folders, symbol lists, text files of rules in words, the rest), each in the order
    dropped. Reads first lines."""
    prices: list[Path] = []
    lists: list[Path] = []
    rules: list[Path] = []
    others: list[Path] = []
    for path in paths:
        if looks_like_prices(path):
            prices.append(path)
        elif path.suffix.lower() == ".txt" and reads_as_rules(path):
            rules.append(path)
        elif path.suffix.lower() in LIST_SUFFIXES:
            lists.append(path)
        else:
            others.append(path)
    return prices, lists, rules, others


class FileDrops(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.open_dropped(paths)

    def open_dropped(self, paths: list[Path]) -> None:
        """A rule file imported now (the import reads it off the GUI thread; one at a time, as the import is
        all or none and cancellable); the other files sorted, then opened."""
        rules = [p for p in paths if p.suffix.lower() in RULE_SUFFIXES and p.is_file()]
        if rules:
            self.alerts_dock.show()
            self.alerts_panel.import_rules(rules[0])
        if len(rules) > 1:
            self.show_message(f"Importing {rules[0].name}: drop {some([p.name for p in rules[1:]], 3)} after it.")
        rest = [p for p in paths if p not in rules]
        if rest:
            importing = rules[0].name if rules else ""
            run_task(self, lambda: sorted_by_kind(rest), lambda r: self._dropped_sorted(r, importing), "dropped-files")

    def _dropped_sorted(self, result: DroppedKinds | Exception, importing: str) -> None:
        """Opens what was sorted; `importing` names a rule file whose import the drop began already."""
        if isinstance(result, Exception):
            self.show_message(f"Could not open the dropped files: {result}", error=True)
            return
        prices, lists, rules, others = result
        if prices:
            self.open_replay_files(prices)
        for path in lists:
            self.import_list(path)
        if rules and not importing:
            self.alerts_dock.show()
            self.alerts_panel.import_rules(rules[0])
            importing, rules = rules[0].name, rules[1:]
        if rules:
            self.show_message(f"Importing {importing}: drop {some([p.name for p in rules], 3)} after it.")
        if others:
            self.show_message(
                f"Cannot open {some([p.name for p in others], 3)}: drop price files or folders (.csv), "
                "symbol lists (.txt, .csv) or alert rules (.toml, .json, or .txt in words)",
                error=True,
            )
