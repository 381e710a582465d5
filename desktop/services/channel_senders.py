"""How each kind of channel sends: a desktop notification over D-Bus (the freedesktop specification, so it
works from the headless monitor), and e-mail over SMTP with its password in the system keyring.

Webhooks go out through `post_webhook` (their bodies are made in `delivery`). Every sender raises
DeliveryError with a reason in words on failure. The mail, TLS and HTTP libraries are imported when a
message is sent: most runs send none, and they cost 60 ms at start-up.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from desktop.core.alerts.engine import AlertFire
from desktop.storage.channels import Channel

KEYRING_SERVICE = "tickerdesk"
NOTIFY_TIMEOUT_S = 5.0


class DeliveryError(Exception):
    """A message that did not arrive: the reason, in words (never a URL or a password)."""


def notify_desktop(channel: Channel, summary: str, body: str) -> None:
    """org.freedesktop.Notifications.Notify on the session bus (the monitor has no window to show one)."""
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    address = DBusAddress(
        "/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
        interface="org.freedesktop.Notifications",
    )  # fmt: skip
    call = new_method_call(address, "Notify", "susssasa{sv}i", ("Tickerdesk", 0, "", summary, body, [], {}, -1))
    try:
        with open_dbus_connection(bus="SESSION") as bus:
            reply = bus.send_and_get_reply(call, timeout=NOTIFY_TIMEOUT_S)
    except KeyError:  # jeepney finds the session bus through this variable alone
        raise DeliveryError(
            "no desktop notification service (no D-Bus session here: DBUS_SESSION_BUS_ADDRESS is not set)"
        ) from None
    except (OSError, ValueError, TimeoutError) as exc:  # the bus is gone, or it did not answer
        raise DeliveryError(f"no desktop notification service ({exc.__class__.__name__}: {exc})") from None
    if reply.header.message_type == MessageType.error:
        raise DeliveryError(f"the notification service refused: {reply.body[0] if reply.body else 'error'}")


SECURITY_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def smtp_target(host: str, port: int, user: str, recipient: str, sender: str = "") -> str:
    """The `smtp://user@host:port?to=…&from=…` address an e-mail channel keeps (user and addresses quoted)."""
    host = host.strip()
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    login = f"{quote(user.strip(), safe='')}@" if user.strip() else ""
    query = {"to": recipient.strip(), **({"from": sender.strip()} if sender.strip() else {})}
    return f"smtp://{login}{host}:{port}?{urlencode(query)}"


def smtp_target_problem(target: str) -> str | None:
    """Why `target` cannot be an e-mail channel's address, in words, or None."""
    try:
        url = urlsplit(target)
        url.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:
        return "the SMTP address has a bad port (a number from 1 to 65535)"
    if url.scheme != "smtp" or not url.hostname:
        return "the e-mail channel needs smtp://[user@]host[:port]?to=you@example.com"
    if url.password:
        return "no password in the address: it goes to the system keyring"
    recipient = parse_qs(url.query).get("to", [""])[0]
    if "@" not in recipient:
        return "the e-mail channel needs a recipient: ?to=you@example.com"
    return None


def email_parts(channel: Channel) -> tuple[str, int, str, str, str]:
    """(host, port, user, sender, recipient) of an `smtp://user@host:port?to=…&from=…` target."""
    url = urlsplit(channel.target)
    query = parse_qs(url.query)
    user = unquote(url.username or "")
    recipient = query.get("to", [""])[0]
    sender = query.get("from", [user if "@" in user else f"tickerdesk@{url.hostname}"])[0]
    return url.hostname or "", url.port or SECURITY_PORTS.get(channel.format, 25), user, sender, recipient


def send_email(channel: Channel, subject: str, text: str, password: str | None) -> None:
    """One e-mail through the channel's SMTP server: TLS from the start, STARTTLS, or plain (loopback)."""
    if (problem := smtp_target_problem(channel.target)) is not None:
        raise DeliveryError(problem)
    host, port, user, sender, recipient = email_parts(channel)
    if not recipient:
        raise DeliveryError("no recipient (add ?to=you@example.com to the SMTP address)")
    import smtplib  # see the module's note on imports
    import ssl
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message.set_content(text)
    try:
        if channel.format == "tls":
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=10, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=10)
        with server:
            if channel.format == "starttls":
                server.starttls(context=ssl.create_default_context())
            if user and password:
                server.login(user, password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError("the mail server refused the user name or password") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"mail not sent: {exc.__class__.__name__}: {exc}") from None


def post_webhook(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    """POST one message to a webhook; any failure becomes a DeliveryError saying why."""
    import urllib.error  # see the module's note on imports
    import urllib.request

    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            reply.read(1024)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the reply's connection
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise DeliveryError("no answer in time" if isinstance(reason, TimeoutError) else str(reason)) from None
    except OSError as exc:
        raise DeliveryError(exc.strerror or str(exc)) from None


def smtp_password(channel: Channel) -> str | None:
    """The channel's SMTP password from the system keyring (None when there is none, or no keyring)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, f"smtp:{channel.name}")
    except KeyringError:
        return None


def save_smtp_password(channel_name: str, password: str) -> None:
    """Keep the password in the system keyring (never in the database, a rule file or a log)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, f"smtp:{channel_name}", password)
    except KeyringError as exc:
        raise DeliveryError(f"the system keyring did not take the password: {exc}") from None


def forget_smtp_password(channel_name: str) -> None:
    """Take a removed channel's password out of the keyring (nothing to do when it has none)."""
    try:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError
    except ImportError:
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, f"smtp:{channel_name}")
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise DeliveryError(f"the system keyring did not let go of the password: {exc}") from None


def subject_and_text(fires: list[AlertFire], lines: list[str]) -> tuple[str, str]:
    subject = fires[0].title if len(fires) == 1 else f"{len(fires)} alerts fired"
    return f"Tickerdesk: {subject}", "\n".join(lines)
