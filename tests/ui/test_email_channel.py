"""Delivery Channels ▸ Add E-mail…: the form, the password kept in the keyring (and only there), a test mail
through a real SMTP server on loopback, and a refusing keyring that saves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError
from pytestqt.qtbot import QtBot

from desktop.services.channel_senders import email_parts
from desktop.ui.channel_forms import EmailForm
from desktop.ui.channels_dialog import ChannelsDialog

from ..fakes.keyring_file import FILE_ENV, FileKeyring
from .conftest import MakeWindow


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The keyring library's own API, kept in a file for this test (never the machine's real keyring)."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv(FILE_ENV, str(path))
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(before)


def channels_dialog(qtbot: QtBot, make_window: MakeWindow) -> ChannelsDialog:
    dialog = make_window(run=False).open_channels()
    qtbot.addWidget(dialog)
    return dialog


class RefusingKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("the keyring is locked")


def test_the_form_builds_the_address_and_says_what_is_missing(qtbot: QtBot) -> None:
    form = EmailForm()
    qtbot.addWidget(form)
    assert form.channel() is None and form.error.text().startswith("Server")
    form.host_edit.setText("smtp.example.com")
    assert form.channel() is None and form.error.text().startswith("To")
    form.to_edit.setText("me@example.com")
    assert form.port_box.value() == 587  # STARTTLS's port until the port is edited
    form.security_box.setCurrentIndex(form.security_box.findData("tls"))
    assert form.port_box.value() == 465
    form.user_edit.setText("me+alerts@example.com")  # '+' and '@' in a login survive the address
    form.from_edit.setText("desk")
    assert form.channel() is None and form.error.text().startswith("From")
    form.from_edit.setText("")
    form.scope_box.setCurrentIndex(1)
    channel = form.channel()
    assert channel is not None and channel.kind == "email" and channel.format == "tls" and not channel.for_all
    assert email_parts(channel) == ("smtp.example.com", 465, "me+alerts@example.com", "me+alerts@example.com",
                                    "me@example.com")  # fmt: skip
    form.port_box.setValue(2465)
    form.security_box.setCurrentIndex(form.security_box.findData("starttls"))
    assert form.port_box.value() == 2465  # a port the user chose is kept
    form.host_edit.setText("smtp.example.com/x")
    assert form.channel() is None and not form.buttons.button(form.buttons.StandardButton.Ok).isEnabled()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, by design of the test
@pytest.mark.expected_log_warnings  # aiosmtpd warns of AUTH without TLS: the server is ours, on loopback
def test_an_email_channel_added_in_the_window_sends_with_the_password_from_the_keyring(
    qtbot: QtBot, make_window: MakeWindow, file_keyring: Path, tickerdesk_home: Path
) -> None:
    from ..fakes.smtp import SmtpRecorder

    server = SmtpRecorder(password="hunter2")
    try:
        dialog = channels_dialog(qtbot, make_window)
        assert dialog.pages.currentWidget() is dialog.empty and "No delivery channels yet" in dialog.empty.text()
        form = EmailForm(dialog)
        qtbot.addWidget(form)
        form.host_edit.setText("127.0.0.1")
        form.security_box.setCurrentIndex(form.security_box.findData("none"))
        form.port_box.setValue(server.port)
        form.user_edit.setText("alerts")
        form.password_edit.setText("hunter2")
        form.to_edit.setText("me@example.com")
        channel = form.channel()
        assert channel is not None
        dialog.save_email(channel, form.password())
        qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
        assert dialog.pages.currentWidget() is dialog.list
        assert dialog.list.item(0).text() == f"mail — e-mail to me@example.com via 127.0.0.1:{server.port} · all rules"
        assert "hunter2" in file_keyring.read_text()
        stored = b"".join(p.read_bytes() for p in tickerdesk_home.rglob("*") if p.is_file())
        assert b"hunter2" not in stored
        dialog.send_test()
        qtbot.waitUntil(lambda: "Delivered a test message to mail" in dialog.status.text(), timeout=10_000)
        assert server.logins == [("alerts", "hunter2")] and server.messages[-1].rcpt_tos == ["me@example.com"]
        dialog.remove.click()
        qtbot.waitUntil(lambda: "hunter2" not in file_keyring.read_text(), timeout=5000)
        assert dialog.list.count() == 0 and dialog.pages.currentWidget() is dialog.empty
    finally:
        server.stop()


def test_a_keyring_that_refuses_the_password_saves_no_channel(qtbot: QtBot, make_window: MakeWindow) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(RefusingKeyring())
    try:
        dialog = channels_dialog(qtbot, make_window)
        form = EmailForm(dialog)
        qtbot.addWidget(form)
        form.host_edit.setText("smtp.example.com")
        form.to_edit.setText("me@example.com")
        channel = form.channel()
        assert channel is not None
        dialog.save_email(channel, "s3cret")
        qtbot.waitUntil(lambda: "not saved" in dialog.status.text(), timeout=5000)
        assert "the keyring is locked" in dialog.status.text() and "s3cret" not in dialog.status.text()
        assert dialog.list.count() == 0 and dialog.repo.channels() == []
    finally:
        keyring.set_keyring(before)


def test_a_saved_channel_opens_filled_in_and_an_edit_keeps_its_name(
    qtbot: QtBot, make_window: MakeWindow, file_keyring: Path
) -> None:
    from desktop.storage.channels import Channel
    from desktop.ui.channel_forms import WebhookForm

    dialog = channels_dialog(qtbot, make_window)
    target = "smtp://me%2Balerts%40example.com@mail.example.com:2525?to=desk%40example.com&from=bot%40example.com"
    assert dialog.save(Channel("mail", "email", target, "tls", "{name} at {time}", for_all=False))
    assert dialog.save(Channel("ops", "webhook", "https://hooks.example.com/s3cr3t", "slack", "{name}"))
    assert dialog.selected() is not None and dialog.selected().name == "ops"  # type: ignore[union-attr]
    taken = WebhookForm(dialog, dialog.taken())
    qtbot.addWidget(taken)
    taken.name_edit.setText("mail")
    taken.url_edit.setText("https://hooks.example.com/other")
    assert taken.channel() is None and "there is a channel named mail" in taken.error.text()
    dialog.list.setCurrentRow(0)
    form = dialog.form_for(dialog.selected())  # type: ignore[arg-type]
    qtbot.addWidget(form)
    assert isinstance(form, EmailForm) and form.name_edit.isReadOnly()
    assert (form.host_edit.text(), form.port_box.value(), form.security_box.currentData()) == (
        "mail.example.com", 2525, "tls")  # fmt: skip
    assert (form.user_edit.text(), form.to_edit.text(), form.from_edit.text()) == (
        "me+alerts@example.com", "desk@example.com", "bot@example.com")  # fmt: skip
    assert form.template_edit.text() == "{name} at {time}" and form.scope_box.currentData() is False
    assert form.channel() == Channel("mail", "email", form.channel().target, "tls", "{name} at {time}", False)  # type: ignore[union-attr]
    assert email_parts(form.channel()) == email_parts(dialog.repo.channel("mail"))  # type: ignore[arg-type]
    form.to_edit.setText("other@example.com")
    form.scope_box.setCurrentIndex(0)
    edited = form.channel()
    assert edited is not None
    dialog.save_email(edited, form.password())  # no password typed: the saved one stays
    stored = dialog.repo.channel("mail")
    assert stored is not None and stored.for_all and email_parts(stored)[4] == "other@example.com"
    assert dialog.selected() == stored and not file_keyring.exists()
    hook = dialog.form_for(dialog.repo.channel("ops"))  # type: ignore[arg-type]
    qtbot.addWidget(hook)
    assert isinstance(hook, WebhookForm) and hook.url_edit.text() == "https://hooks.example.com/s3cr3t"
    assert hook.format_box.currentText() == "slack" and hook.channel() == dialog.repo.channel("ops")
