"""Alerts → Delivery Channels: the channels fires are sent to, with a "Send Test" per channel.

The same channels as `tickerdesk notify`; a webhook's URL is shown without its secret part. A test message
goes out off the GUI thread and its outcome shows in the dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.rules import RULE_ID
from desktop.services.delivery import DEFAULT_TEMPLATE, FORMATS, post, sample_fire, template_problem
from desktop.storage.channels import Channel, ChannelRepository
from desktop.storage.database import StorageError
from desktop.ui.tasks import run_task


def describe(channel: Channel) -> str:
    where = {"desktop": "desktop notifications", "webhook": f"{channel.format} webhook to {channel.public_target}"}
    scope = "all rules" if channel.for_all else "rules that name it"
    return f"{channel.name} — {where.get(channel.kind, f'e-mail via {channel.public_target}')} · {scope}"


class WebhookForm(QDialog):
    """Name, URL, body format and message template of a new webhook channel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Webhook")
        self.name_edit = QLineEdit()
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://hooks.slack.com/services/…")
        self.format_box = QComboBox()
        self.format_box.addItems(list(FORMATS))
        self.template_edit = QLineEdit(DEFAULT_TEMPLATE)
        self.error = QLabel()
        self.error.setObjectName("formError")
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("URL", self.url_edit)
        form.addRow("Format", self.format_box)
        form.addRow("Message", self.template_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.url_edit, self.template_edit):
            edit.textChanged.connect(self.validate)
        self.validate()

    def channel(self) -> Channel | None:
        name, url = self.name_edit.text().strip(), self.url_edit.text().strip()
        if not RULE_ID.match(name):
            self.error.setText("Name: letters, digits, _ . : - (up to 64)")
            return None
        if not url.startswith(("http://", "https://")) or len(url) < 12:
            self.error.setText("URL: an http:// or https:// address")
            return None
        template = self.template_edit.text().strip() or DEFAULT_TEMPLATE
        problem = template_problem(template)
        if problem is not None:
            self.error.setText(f"Message: {problem}")
            return None
        self.error.setText("")
        return Channel(name, "webhook", url, self.format_box.currentText(), template)

    def validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.channel() is not None)


class ChannelsDialog(QDialog):
    def __init__(self, repo: ChannelRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delivery Channels")
        self.resize(640, 320)
        self.repo = repo
        self.list = QListWidget()
        self.status = QLabel("Fires go to every channel set for all rules, or to the channels a rule names.")
        self.status.setWordWrap(True)
        self.add_webhook = QPushButton("Add Webhook…")
        self.add_desktop = QPushButton("Add Desktop Notifications")
        self.remove = QPushButton("Remove")
        self.test = QPushButton("Send Test")
        self.add_webhook.clicked.connect(self._add_webhook)
        self.add_desktop.clicked.connect(self._add_desktop)
        self.remove.clicked.connect(self._remove)
        self.test.clicked.connect(self.send_test)
        row = QHBoxLayout()
        for button in (self.add_webhook, self.add_desktop, self.remove, self.test):
            row.addWidget(button)
        row.addStretch(1)
        hint = QLabel("E-mail: tickerdesk notify add NAME --email smtp://… --password-stdin (password to the keyring)")
        hint.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.refresh()

    def channels(self) -> list[Channel]:
        try:
            return self.repo.channels()
        except StorageError as exc:
            self.status.setText(f"Could not read the channels: {exc}")
            return []

    def refresh(self) -> None:
        self._shown = self.channels()
        self.list.clear()
        self.list.addItems([describe(c) for c in self._shown])
        if self._shown:
            self.list.setCurrentRow(0)
        self._enable()

    def selected(self) -> Channel | None:
        row = self.list.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.remove.setEnabled(chosen)
        self.test.setEnabled(chosen)

    def save(self, channel: Channel) -> bool:
        try:
            self.repo.save(channel)
        except StorageError as exc:
            self.status.setText(f"Could not save the channel: {exc}")
            return False
        self.status.setText(f"Saved {channel.name}.")
        self.refresh()
        return True

    def _add_webhook(self) -> None:
        form = WebhookForm(self)
        if form.exec() == QDialog.DialogCode.Accepted and (channel := form.channel()) is not None:
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
