"""The alert book: the saved rules and the engine that evaluates them, kept in step (no Qt).

Every change is saved in its own transaction first; the engine sees the new rules only once they are
stored, so a crash never leaves the engine watching a rule that is not saved (or the reverse). The
window's controller and the `alerts` command both work through it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rule_files import read_rules, write_rules
from desktop.core.alerts.rules import AlertRule, RuleError, rule_from_dict, rule_to_dict
from desktop.core.progress import Progress
from desktop.storage.alerts import AlertRepository
from desktop.storage.channels import ChannelRepository
from desktop.storage.database import StorageError, storage_errors


class BookError(ValueError):
    """A rule operation the book refuses (a duplicate id, an id that is not there); for the user."""


def channels_note(missing: list[str]) -> str:
    """The sentence for channels rules name that are not set up (see AlertBook.channels_not_set_up)."""
    if len(missing) == 1:
        name = missing[0]
        return f"the channel {name} is not set up (tickerdesk notify add {name} …): fires for it wait until it is"
    return f"the channels {', '.join(missing)} are not set up: fires for them wait until they are"


def missing_channels(rules: list[AlertRule], made: set[str]) -> list[str]:
    """The channels `rules` name that are not in `made`: their fires wait as failed deliveries until they
    are (a misspelt name in a rule file or the editor, said when it is given)."""
    return sorted({name for rule in rules for name in rule.channels} - made)


class AlertBook:
    def __init__(self, repo: AlertRepository, engine: AlertEngine | None = None, path: Path | None = None) -> None:
        self.repo = repo
        self.engine = engine or AlertEngine()
        self._path = path  # for messages; None: "the database"
        self.problems: list[str] = []  # stored rows that no longer read as rules, said once at load

    def load(self, with_state: bool = True) -> list[str]:
        """Read the rules (and their saved state) into the engine; a sentence per unreadable row."""
        with storage_errors(self._path):
            rules, self.problems = self.repo.rules()
            self.engine.set_rules(rules)
            if with_state:
                for rule_id, state in self.repo.states().items():
                    self.engine.restore_state(rule_id, state)
        return self.problems

    @property
    def rules(self) -> list[AlertRule]:
        return self.engine.rules

    def rule(self, rule_id: str) -> AlertRule | None:
        return self.engine.rule(rule_id)

    # -- changes: saved first, then the engine ----------------------------------------------------

    def _apply(self, rules: list[AlertRule], save: Callable[[], object]) -> None:
        with storage_errors(self._path):
            save()
        self.engine.set_rules(rules)

    def add(self, rule: AlertRule) -> None:
        """A new rule; refused when its id is taken."""
        if self.rule(rule.id) is not None:
            raise BookError(f"a rule with id {rule.id!r} exists already")
        self.save(rule)

    def save(self, rule: AlertRule, place: int | None = None) -> None:
        """Add a rule (last, or at index `place`), or replace the rule with the same id (keeping its place).
        A rule made in code (a level dragged on a chart) is checked as a typed one is: what is stored must
        read back as a rule."""
        try:
            rule_from_dict(rule_to_dict(rule))
        except RuleError as exc:
            raise BookError(str(exc)) from None
        rules = self.engine.rules
        index = next((k for k, r in enumerate(rules) if r.id == rule.id), None)
        if index is not None:
            rules[index] = rule
        else:
            rules.insert(len(rules) if place is None else max(0, place), rule)
        if index is None and place is not None:  # numbered again so that the database keeps the same order
            order = [r.id for r in rules]
            self._apply(rules, lambda: self.repo.save_rule_in_order(rule, order))
        else:
            self._apply(rules, lambda: self.repo.save_rule(rule))

    def remove(self, rule_ids: list[str]) -> None:
        """Delete rules by id, all or none; refused when one of them is not there."""
        missing = [i for i in rule_ids if self.rule(i) is None]
        if missing:
            raise BookError(f"no rule with id {', '.join(missing)}")
        gone = set(rule_ids)
        self._apply([r for r in self.engine.rules if r.id not in gone], lambda: self.repo.delete_rules(rule_ids))

    def set_enabled(self, rule_id: str, enabled: bool) -> None:
        rule = self.rule(rule_id)
        if rule is None:
            raise BookError(f"no rule with id {rule_id}")
        self.save(rule.with_changes(enabled=enabled))

    def import_file(self, path: Path, progress: Progress | None = None) -> tuple[int, int]:
        """Add or update the rules of a file, all or none: (rules in the file, of which updates).
        Raises RuleFileError for a bad file (nothing saved)."""
        return self.import_rules(read_rules(path, progress))

    def import_rules(self, incoming: list[AlertRule]) -> tuple[int, int]:
        """Add or update rules already read from a file, all or none: (rules, of which updates)."""
        rules = self.engine.rules
        by_id = {r.id: k for k, r in enumerate(rules)}
        updated = 0
        for rule in incoming:
            if rule.id in by_id:
                rules[by_id[rule.id]] = rule
                updated += 1
            else:
                rules.append(rule)
        self._apply(rules, lambda: self.repo.save_rules(incoming))
        return len(incoming), updated

    def channel_names(self) -> set[str]:
        """The channels `notify add` has made."""
        with storage_errors(self._path):
            return {channel.name for channel in ChannelRepository(self.repo.connection).channels()}

    def channels_not_set_up(self, rules: list[AlertRule] | None = None) -> list[str]:
        """The channels `rules` (all of them by default) name that no `notify add` has made."""
        rules = self.rules if rules is None else rules
        return missing_channels(rules, self.channel_names()) if any(r.channels for r in rules) else []

    def export_file(self, path: Path) -> int:
        """Write the rules to `path`, making its folder when missing (as `chart --png` does)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        write_rules(path, self.engine.rules)
        return len(self.engine.rules)


__all__ = ["AlertBook", "BookError", "StorageError"]
