"""Adding and removing watchlist symbols: checked by the source off the GUI thread, saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from desktop import logs
from desktop.core.alerts.rule_sentences import reads_as_rule
from desktop.core.symbol_lists import MAX_SYMBOLS, is_list, parse_symbols, ticker_of
from desktop.storage.database import StorageError
from desktop.storage.watchlists import WatchlistError
from desktop.ui.short_lists import some
from desktop.ui.window_parts import WindowParts

log = logs.ui


SHOWN_AT_MOST = 8  # symbols named in one status message; a paste of hundreds says how many more


class WatchlistEditing(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def focus_symbol_input(self) -> None:
        self.symbol_input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.symbol_input.selectAll()

    def _show_input_error(self, message: str) -> None:
        metrics = self.input_error.fontMetrics()
        width = self.input_error.maximumWidth() - 16
        self.input_error.setText(metrics.elidedText(message, Qt.TextElideMode.ElideRight, width))
        self.input_error.setToolTip(message)
        self.symbol_input.setProperty("invalid", bool(message))
        self.symbol_input.setStyleSheet(
            f"border: 1px solid {self.colors.error_text.name()};" if message and self.colors else ""
        )

    def add_symbols_dialog(self) -> None:
        """Ctrl+N: several symbols at once, comma or space separated (as pasted from a broker)."""
        text, ok = QInputDialog.getText(
            self, "Add Symbols", f"Symbols to add to {self.current_list} (comma or space separated):"
        )
        if ok and text.strip():
            self.add_symbols(text)

    def add_symbols(self, text: str) -> tuple[list[str], list[str]]:
        """Add each symbol of `text`; (added, refused with the reason). Live sources answer later."""
        symbols, bad = parse_symbols(text)
        added: list[str] = []
        refused = [f"{word} (not a ticker symbol)" for word in bad]
        new = [s for s in symbols if self.model.row_of(s) is None]
        room = max(0, MAX_SYMBOLS - len(self.model.symbols))
        if len(new) > room:  # said once, not checked one by one (live, each check is a request to Yahoo)
            left_out = new[room:]
            refused.append(f"{some(left_out, SHOWN_AT_MOST)} (a watchlist holds at most {MAX_SYMBOLS:,} symbols)")
            dropped = set(left_out)
            symbols = [s for s in symbols if s not in dropped]
        if self.feeds.is_replay:  # answered at once: saved in one transaction, one undo step, one selection
            fresh: list[str] = []
            for symbol in symbols:  # each once: parse_symbols drops repeats
                reason = self._replay_refusal(symbol)
                if reason is None:
                    fresh.append(symbol)
                else:
                    refused.append(f"{symbol} ({reason})")
            added = self._commit_symbols(fresh)
        else:
            for symbol in symbols:
                if self.add_symbol(symbol):
                    added.append(symbol)
                elif self.model.row_of(symbol) is not None:
                    refused.append(f"{symbol} ({self.input_error.toolTip() or 'refused'})")
        parts = [f"Added {some(added, SHOWN_AT_MOST)}"] if added else []
        if refused:
            parts.append(f"not added: {some(refused, SHOWN_AT_MOST, '; ')}")
        if parts:
            self.show_message(" · ".join(parts), error=bool(refused) and not added)
        self._show_input_error("")
        return added, refused

    def watch_replay_symbols(self) -> list[str]:
        """Add to the shown watchlist the symbols of the replay's data it lacks (a replay of one's own files,
        a yfinance download of many tickers); the symbols added."""
        if not self.feeds.is_replay:
            self.show_message("The live feed is on: the replay data's symbols are added while replaying.", error=True)
            return []
        new = [s for s in self.feeds.replay_symbols() if self.model.row_of(s) is None]
        if not new:
            self.show_message(f"{self.current_list} already has every symbol of the replay data.")
            return []
        added, _refused = self.add_symbols(" ".join(new))
        return added

    def add_typed(self, text: str) -> None:
        """The symbol field's Return: a symbol, or a pasted list (commas, spaces, semicolons) as Ctrl+N takes one.
        An alert rule typed there ("NVDA crosses below 175") goes to the Alerts panel's field, not into the
        list as the symbols NVDA, CROSSES and BELOW."""
        if is_list(text) and reads_as_rule(text):
            self.alerts_panel.quick_rule.edit.setText(text.strip())
            self.focus_rule_field()
            self.alerts_panel.quick_rule.edit.deselect()
            self.symbol_input.clear()
            self._show_input_error("")
            self.show_message("That is an alert rule: it is in the Alerts panel's field now; Enter there adds it.")
            return
        if is_list(text):
            self.add_symbols(text)
        else:
            self.add_symbol(text)

    def add_symbol(self, text: str) -> bool:
        """Validate, persist and show a new symbol; a refusal is said next to the input and changes nothing."""
        if not text.strip():
            return False
        symbol = ticker_of(text)
        if symbol is None:
            self._show_input_error(f"“{text.strip()}” is not a ticker symbol")
            return False
        if self.model.row_of(symbol) is not None:
            self._show_input_error(f"{symbol} is already in the watchlist")
            self.table.select_symbol(symbol)
            return False
        if len(self.model.symbols) >= MAX_SYMBOLS:
            self._show_input_error(f"a watchlist holds at most {MAX_SYMBOLS:,} symbols: start another list")
            return False
        reason = self.feeds.can_supply(symbol)
        if reason is not None:
            self._show_input_error(reason)
            return False
        if not self.feeds.is_replay:  # asking Yahoo takes a round trip: answer comes via symbol_checked
            self.symbol_input.setEnabled(False)
            self.input_error.setStyleSheet("")
            self.input_error.setText(f"Checking {symbol} on Yahoo Finance…")
            self.feeds.check_symbol(symbol)
            return False
        return self._commit_symbol(symbol)

    def _symbol_checked(self, symbol: str, reason: str | None) -> None:
        self.symbol_input.setEnabled(True)
        self.input_error.setStyleSheet(f"color: {self.colors.error_text.name()};" if self.colors else "")
        if reason is not None:
            self._show_input_error(reason)
            self.symbol_input.setFocus()
            return
        if self.model.row_of(symbol) is None:
            self._commit_symbol(symbol)

    def _replay_refusal(self, symbol: str) -> str | None:
        """Why the replay cannot add `symbol` to the shown list, or None."""
        if self.model.row_of(symbol) is not None:
            return f"{symbol} is already in the watchlist"
        return self.feeds.can_supply(symbol)

    def _commit_symbol(self, symbol: str) -> bool:
        return bool(self._commit_symbols([symbol]))

    def _commit_symbols(self, symbols: list[str]) -> list[str]:
        """Save and show `symbols` (checked already) in the shown list; the ones added. One undo step."""
        if not symbols:
            return []
        try:
            added = self.watchlists.add_many(symbols, self.current_list)
        except WatchlistError as exc:
            self._show_input_error(f"could not save {some(symbols, 3)}: {exc}")
            return []
        except StorageError as exc:  # busy, full, read-only: the whole sentence where there is room for it
            log.warning("saving %s failed: %s", symbols[:3], exc)
            self._show_input_error(f"could not save {some(symbols, 3)}: see the status bar")
            self.show_message(f"Could not save {some(symbols, 3)}: {exc}", error=True)
            return []
        for symbol in added:
            self.model.add_symbol(symbol)
        self.feeds.set_symbols(self.model.symbols)
        self.begin_snapshot_progress()
        self.symbol_input.clear()
        self._show_input_error("")
        if added:
            self.table.select_symbol(added[-1])
            self.show_message(f"Added {some(added, SHOWN_AT_MOST)}")
            where = self.current_list
            self.alerts.record(
                f"Add {some(added, 3)}",
                lambda: self._edit_list(where, added, add=False),
                lambda: self._edit_list(where, added),
            )
        return added

    def remove_symbols(self, symbols: list[str]) -> None:
        places = {symbol: k for k, symbol in enumerate(self.model.symbols)}  # where Undo puts them back
        removed: list[str] = []
        for symbol in symbols:
            if self.model.row_of(symbol) is None:  # not in the shown list: nothing to remove, nothing to say
                continue
            try:
                self.watchlists.remove(symbol, self.current_list)
            except StorageError as exc:
                log.warning("removing %s failed: %s", symbol, exc)
                self.show_message(f"Could not remove {symbol}: {exc}", error=True)
                continue
            self.model.remove_symbol(symbol)
            removed.append(symbol)
        if removed:
            self.feeds.set_symbols(self.model.symbols)
            self.show_message(f"Removed {', '.join(removed)}")
            where = self.current_list
            back = [(symbol, places[symbol]) for symbol in removed]
            self.alerts.record(f"Remove {', '.join(removed)}", lambda: self._put_back(where, back),
                               lambda: self._edit_list(where, removed, add=False))  # fmt: skip

    def _put_back(self, name: str, symbols: list[tuple[str, int]]) -> bool:
        """Undo of a removal: each symbol back at the place it had in the list (a watchlist, shown or not)."""
        try:
            order = self.watchlists.symbols(name)
            for symbol, place in sorted(symbols, key=lambda item: item[1]):
                if symbol not in order:
                    order.insert(min(place, len(order)), symbol)
            self.watchlists.replace_symbols(name, order)
        except (StorageError, WatchlistError) as exc:  # a list filled or deleted meanwhile
            self.show_message(f"Could not change the watchlist {name}: {exc}", error=True)
            return False
        if name == self.current_list:
            self.model.set_symbols(order)
            self.feeds.set_symbols(self.model.symbols)
        return True

    def _edit_list(self, name: str, symbols: list[str], add: bool = True) -> bool:
        """Add (or remove) symbols to a watchlist, shown or not: Edit → Undo / Redo's way in."""
        try:
            if add:
                self.watchlists.add_many(symbols, name)
            else:
                for symbol in symbols:
                    self.watchlists.remove(symbol, name)
        except (StorageError, WatchlistError) as exc:  # a redo into a list filled meanwhile
            self.show_message(f"Could not change the watchlist {name}: {exc}", error=True)
            return False
        if name == self.current_list:
            for symbol in symbols:
                if add:
                    self.model.add_symbol(symbol)
                else:
                    self.model.remove_symbol(symbol)
            self.feeds.set_symbols(self.model.symbols)
        return True
