"""`tickerdesk notify`: the delivery channels (webhooks) the monitor and the window send fires to."""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import urlsplit

from desktop import paths
from desktop.cli.arguments import CliError, Done, RuntimeFailureError
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import RULE_ID, Condition
from desktop.core.safe_files import printable
from desktop.services.delivery import DEFAULT_TEMPLATE, DeliveryError, post
from desktop.storage.channels import Channel, ChannelRepository
from desktop.storage.database import StorageError, open_database


def cmd_notify(args: argparse.Namespace) -> Done:
    try:
        opened = open_database(paths.database_path())
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    repo = ChannelRepository(opened.connection)
    try:
        return _action(args, repo)
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    finally:
        opened.connection.close()


def _action(args: argparse.Namespace, repo: ChannelRepository) -> Done:
    if args.action == "add":
        if not RULE_ID.match(args.name):
            raise CliError(f"bad channel name {printable(args.name)!r} (letters, digits, _ . : - up to 64)")
        url = urlsplit(args.webhook)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise CliError("the webhook must be an http:// or https:// URL")
        template = args.template or DEFAULT_TEMPLATE
        channel = Channel(args.name, "webhook", args.webhook, args.format, template, not args.only_named)
        repo.save(channel)
        return Done(0, [f"saved channel {args.name} ({args.format} webhook to {channel.public_target})"])
    if args.action == "list":
        for c in repo.channels():
            scope = "all rules" if c.for_all else "rules that name it"
            print(f"{c.name:<16} {c.kind} {c.format:<8} {c.public_target:<32} {scope} · {c.template}")
        return Done()
    if args.action == "remove":
        if not repo.remove(args.name):
            raise CliError(f"no channel named {printable(args.name)!r}")
        return Done(0, [f"removed channel {args.name}"])
    found = repo.channel(args.name)
    if found is None:
        raise CliError(f"no channel named {printable(args.name)!r}")
    sample = AlertFire("test", "Tickerdesk test message", time.time(), False, 1.0, 1.0, Condition.CROSSES_ABOVE,
                       (("TEST", 1.0),))  # fmt: skip
    try:
        post(found, [sample])
    except DeliveryError as exc:
        raise RuntimeFailureError(f"test message to {found.name} not delivered: {exc}") from None
    print(f"delivered a test message to {found.name}", file=sys.stderr)
    return Done()
