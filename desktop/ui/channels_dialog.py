"""Alerts → Delivery Channels: the channels fires are sent to, with a "Send Test" per channel.

The same channels as `tickerdesk notify`; a webhook's URL is shown without its secret part. A test message
goes out off the GUI thread and its outcome shows in the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.channel_senders import email_parts, forget_smtp_password, save_smtp_password
from desktop.services.delivery import DEFAULT_TEMPLATE, post, sample_fire
from desktop.storage.channels import Channel, ChannelRepository
from desktop.storage.database import StorageError
from desktop.ui.channel_forms import ChannelForm, DesktopForm, EmailForm, WebhookForm
from desktop.ui.tasks import run_task

NO_CHANNELS = (
    "No delivery channels yet: fires show in this window (and the monitor's terminal) only.\n\n"
    "Add a webhook (Slack, Discord, ntfy or JSON), desktop notifications or e-mail to hear of them elsewhere."
)


def describe(channel: Channel) -> str:
    scope = "all rules" if channel.for_all else "rules that name it"
    if channel.kind == "desktop":
        where = "desktop notifications"
    elif channel.kind == "webhook":
        where = f"{channel.format} webhook to {channel.public_target}"
    else:
        try:
            host, port, _user, _sender, recipient = email_parts(channel)
            where = f"e-mail to {recipient or '?'} via {host}:{port}"
        except ValueError:  # an address saved by hand with a bad port
            where = f"e-mail via {channel.public_target}"
    return f"{channel.name} — {where} · {scope}"


class ChannelsDialog(QDialog):
    def __init__(self, repo: ChannelRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delivery Channels")
        self.resize(640, 320)
        self.repo = repo
        self.list = QListWidget()
        self.empty = QLabel(NO_CHANNELS)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("placeholder")
        self.empty.setContentsMargins(24, 0, 24, 0)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.list)
        self.pages.addWidget(self.empty)
        self.status = QLabel("Fires go to every channel set for all rules, or to the channels a rule names.")
        self.status.setWordWrap(True)
        self.add_webhook = QPushButton("Add Webhook…")
        self.add_desktop = QPushButton("Add Desktop Notifications")
        self.add_email = QPushButton("Add E-mail…")
        self.edit = QPushButton("Edit…")
        self.remove = QPushButton("Remove")
        self.test = QPushButton("Send Test")
        self.add_webhook.clicked.connect(self._add_webhook)
        self.add_desktop.clicked.connect(self._add_desktop)
        self.add_email.clicked.connect(self._add_email)
        self.edit.clicked.connect(self.edit_selected)
        self.list.itemActivated.connect(lambda _item: self.edit_selected())
        self.remove.clicked.connect(self._remove)
        self.test.clicked.connect(self.send_test)
        row = QHBoxLayout()
        for button in (self.add_webhook, self.add_desktop, self.add_email, self.edit, self.remove, self.test):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.refresh()

    def channels(self) -> list[Channel]:
        try:
            return self.repo.channels()
        except StorageError as exc:
            self.status.setText(f"Could not read the channels: {exc}")
            return []

    def refresh(self, current: str = "") -> None:
        """Read the channels again; `current` (a channel's name) is selected, else the first."""
        self._shown = self.channels()
        self.list.clear()
        self.list.addItems([describe(c) for c in self._shown])
        if self._shown:
            names = [c.name for c in self._shown]
            self.list.setCurrentRow(names.index(current) if current in names else 0)
        self.pages.setCurrentWidget(self.list if self._shown else self.empty)
        self._enable()

    def selected(self) -> Channel | None:
        row = self.list.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.edit.setEnabled(chosen)
        self.remove.setEnabled(chosen)
        self.test.setEnabled(chosen)

    def save(self, channel: Channel) -> bool:
        try:
            self.repo.save(channel)
        except StorageError as exc:
            self.status.setText(f"Could not save the channel: {exc}")
            return False
        self.status.setText(f"Saved {channel.name}.")
        self.refresh(channel.name)
        return True

    def taken(self) -> frozenset[str]:
        return frozenset(c.name for c in self._shown)

    def form_for(self, channel: Channel) -> ChannelForm:
        """The form that edits `channel`, filled in."""
        forms: dict[str, Callable[[QWidget], ChannelForm]] = {f.KIND: f for f in (WebhookForm, EmailForm, DesktopForm)}
        form = forms.get(channel.kind, WebhookForm)(self)
        form.fill(channel)
        return form

    def edit_selected(self) -> None:
        channel = self.selected()
        if channel is not None:
            self._finish(self.form_for(channel))

    def _finish(self, form: ChannelForm) -> None:
        if form.exec() != QDialog.DialogCode.Accepted or (channel := form.channel()) is None:
            return
        if isinstance(form, EmailForm):
            self.save_email(channel, form.password())
        else:
            self.save(channel)

    def _add_webhook(self) -> None:
        self._finish(WebhookForm(self, self.taken()))

    def _add_email(self) -> None:
        self._finish(EmailForm(self, self.taken()))

    def save_email(self, channel: Channel, password: str) -> None:
        """The password goes to the keyring first (off the GUI thread: a keyring can ask to be unlocked), and
        the channel is saved only once it is there; an empty password leaves a saved one as it was."""
        if not password:
            self.save(channel)
            return
        self.status.setText(f"Keeping {channel.name}'s password in the system keyring…")
        run_task(
            self,
            lambda: save_smtp_password(channel.name, password),
            lambda result: self._password_kept(channel, result),
            "keyring-save",
        )

    def _password_kept(self, channel: Channel, result: object) -> None:
        if isinstance(result, Exception):
            self.status.setText(f"{channel.name} not saved: {result}")
        else:
            self.save(channel)

    def _add_desktop(self) -> None:
        self.save(Channel("desktop", "desktop", "session-bus", "plain", DEFAULT_TEMPLATE))

    def _remove(self) -> None:
        channel = self.selected()
        if channel is None:
            return
        try:
            self.repo.remove(channel.name)
        except StorageError as exc:
            self.status.setText(f"Could not remove the channel: {exc}")
            return
        self.status.setText(f"Removed {channel.name}.")
        self.refresh()
        if channel.kind == "email":
            run_task(self, lambda: forget_smtp_password(channel.name), lambda r: self._forgotten(channel, r), "keyring")

    def _forgotten(self, channel: Channel, result: object) -> None:
        if isinstance(result, Exception):
            self.status.setText(f"Removed {channel.name}; its password is still in the keyring: {result}")

    def send_test(self) -> None:
        channel = self.selected()
        if channel is None:
            return
        self.status.setText(f"Sending a test message to {channel.name}…")
        sample = sample_fire()
        run_task(self, lambda: post(channel, [sample]), lambda result: self._tested(channel, result), "send-test")

    def _tested(self, channel: Channel, result: Any) -> None:
        if isinstance(result, Exception):
            self.status.setText(f"Test message to {channel.name} not delivered: {result}")
        else:
            self.status.setText(f"Delivered a test message to {channel.name}.")
