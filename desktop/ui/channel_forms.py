"""The forms behind Delivery Channels' Add and Edit (a webhook, e-mail, desktop notifications): each checks
itself as it is filled.

Each ends in a `Channel` (the same record `tickerdesk notify add` saves). The e-mail form's password is not
part of the channel: the dialog hands it to the system keyring, off the GUI thread, before saving.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.rules import RULE_ID
from desktop.services.channel_senders import SECURITY_PORTS, email_parts, smtp_target, smtp_target_problem
from desktop.services.delivery import DEFAULT_TEMPLATE, FORMATS, template_problem
from desktop.storage.channels import Channel
from desktop.ui.form_names import name_fields_by_labels

SECURITY_NAMES = {"starttls": "STARTTLS", "tls": "TLS from the start", "none": "none (a server on this machine)"}


class ChannelForm(QDialog):
    """Name, message template and which rules use the channel; a subclass adds where the message goes."""

    KIND: ClassVar[str]  # the channel's kind, as the channel table keeps it

    def __init__(self, title: str, parent: QWidget | None = None, taken: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.taken = taken  # names of the channels there are: a new one may not take one (Edit changes it)
        self.setMinimumWidth(520)  # room for a webhook's URL and the whole default message
        self.name_edit = QLineEdit()
        self.template_edit = QLineEdit(DEFAULT_TEMPLATE)
        self.scope_box = QComboBox()
        self.scope_box.addItem("all rules", True)
        self.scope_box.addItem("only rules that name it", False)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.form = QFormLayout()
        self.form.addRow("Name", self.name_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.template_edit):
            edit.textChanged.connect(self.validate)

    def fill(self, channel: Channel) -> None:
        """Show a saved channel to edit: its name stays (rules name their channels by it)."""
        self.setWindowTitle(f"Edit {channel.name}")
        self.taken = frozenset()
        self.name_edit.setText(channel.name)
        self.name_edit.setReadOnly(True)
        self.template_edit.setText(channel.template)
        self.scope_box.setCurrentIndex(self.scope_box.findData(channel.for_all))
        self.validate()

    def finish_rows(self) -> None:
        """The rows every form ends with; call once the subclass has added its own."""
        self.form.addRow("Message", self.template_edit)
        self.form.addRow("Used by", self.scope_box)
        name_fields_by_labels(self.form)
        self.validate()

    def target(self) -> tuple[str, str] | str:
        """(target, format) of the channel, or why the fields do not make one."""
        raise NotImplementedError

    def channel(self) -> Channel | None:
        name = self.name_edit.text().strip()
        if not RULE_ID.match(name):
            self.error.setText("Name: letters, digits, _ . : - (up to 64)")
            return None
        if name in self.taken:
            self.error.setText(f"Name: there is a channel named {name} (Edit changes it)")
            return None
        where = self.target()
        if isinstance(where, str):
            self.error.setText(where)
            return None
        template = self.template_edit.text().strip() or DEFAULT_TEMPLATE
        if (problem := template_problem(template)) is not None:
            self.error.setText(f"Message: {problem}")
            return None
        self.error.setText("")
        return Channel(name, self.KIND, where[0], where[1], template, bool(self.scope_box.currentData()))

    def validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.channel() is not None)


class WebhookForm(ChannelForm):
    """A webhook: its URL and the body format its service reads."""

    KIND = "webhook"

    def __init__(self, parent: QWidget | None = None, taken: frozenset[str] = frozenset()) -> None:
        super().__init__("Add Webhook", parent, taken)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://hooks.slack.com/services/…")
        self.format_box = QComboBox()
        self.format_box.addItems(list(FORMATS))
        self.form.addRow("URL", self.url_edit)
        self.form.addRow("Format", self.format_box)
        self.url_edit.textChanged.connect(self.validate)
        self.finish_rows()

    def fill(self, channel: Channel) -> None:
        self.url_edit.setText(channel.target)
        self.format_box.setCurrentText(channel.format)
        super().fill(channel)

    def target(self) -> tuple[str, str] | str:
        url = self.url_edit.text().strip()
        if not url.startswith(("http://", "https://")) or len(url) < 12:
            return "URL: an http:// or https:// address"
        return url, self.format_box.currentText()


class DesktopForm(ChannelForm):
    """Desktop notifications: nothing to say where they go, only the message and which rules use them."""

    KIND = "desktop"

    def __init__(self, parent: QWidget | None = None, taken: frozenset[str] = frozenset()) -> None:
        super().__init__("Add Desktop Notifications", parent, taken)
        self.name_edit.setText("desktop")
        self.finish_rows()

    def target(self) -> tuple[str, str] | str:
        return "session-bus", "plain"


class EmailForm(ChannelForm):
    """An SMTP server, its login, and who gets the mail. The port follows the security until it is edited."""

    KIND = "email"

    def __init__(self, parent: QWidget | None = None, taken: frozenset[str] = frozenset()) -> None:
        super().__init__("Add E-mail", parent, taken)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("smtp.example.com")
        self.security_box = QComboBox()
        for value, text in SECURITY_NAMES.items():
            self.security_box.addItem(text, value)
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(SECURITY_PORTS["starttls"])
        self._port_chosen = False
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText("the server's login, often your address")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("kept in the system keyring, never in Tickerdesk's files")
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText("you@example.com")
        self.from_edit = QLineEdit()
        self.from_edit.setPlaceholderText("the login when it is an address")
        for label, widget in (
            ("Server", self.host_edit),
            ("Security", self.security_box),
            ("Port", self.port_box),
            ("User", self.user_edit),
            ("Password", self.password_edit),
            ("To", self.to_edit),
            ("From", self.from_edit),
        ):
            self.form.addRow(label, widget)
        for edit in (self.host_edit, self.user_edit, self.to_edit, self.from_edit):
            edit.textChanged.connect(self.validate)
        self.security_box.currentIndexChanged.connect(self._security_changed)
        self.port_box.valueChanged.connect(self._port_edited)
        self.name_edit.setText("mail")
        self.finish_rows()

    def fill(self, channel: Channel) -> None:
        try:
            host, port, user, _sender, recipient = email_parts(channel)
        except ValueError:  # a port saved by hand that is not one: the form says so
            host, port, user, recipient = urlsplit(channel.target).hostname or "", 1, "", ""
        self.security_box.setCurrentIndex(max(0, self.security_box.findData(channel.format)))
        self._port_chosen = True
        self.port_box.setValue(port)
        self.host_edit.setText(host)
        self.user_edit.setText(user)
        self.to_edit.setText(recipient)
        self.from_edit.setText(parse_qs(urlsplit(channel.target).query).get("from", [""])[0])
        self.password_edit.setPlaceholderText("empty: keep the saved password")
        super().fill(channel)

    def password(self) -> str:
        return self.password_edit.text()

    def _security_changed(self) -> None:
        if not self._port_chosen:
            self.port_box.blockSignals(True)
            self.port_box.setValue(SECURITY_PORTS[self.security_box.currentData()])
            self.port_box.blockSignals(False)
        self.validate()

    def _port_edited(self) -> None:
        self._port_chosen = True
        self.validate()

    def target(self) -> tuple[str, str] | str:
        host = self.host_edit.text().strip()
        if not host or any(c in host for c in " /?#@"):
            return "Server: the mail server's name (smtp.example.com)"
        if "@" not in self.to_edit.text() or " " in self.to_edit.text().strip():
            return "To: the address that gets the alerts"
        sender = self.from_edit.text().strip()
        if sender and "@" not in sender:
            return "From: an address, or nothing for the login's"
        target = smtp_target(host, self.port_box.value(), self.user_edit.text(), self.to_edit.text(), sender)
        if (problem := smtp_target_problem(target)) is not None:
            return problem
        return target, str(self.security_box.currentData())
