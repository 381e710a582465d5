"""`tickerdesk notify`: the delivery channels (webhooks) the monitor and the window send fires to."""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from desktop.cli.arguments import CliError, Done, RuntimeFailureError
from desktop.cli.database import command_database
from desktop.core.alerts.rules import RULE_ID
from desktop.core.safe_files import printable
from desktop.services.channel_senders import (
    DeliveryError,
    forget_smtp_password,
    save_smtp_password,
    smtp_target_problem,
)
from desktop.services.delivery import DEFAULT_TEMPLATE, post, sample_fire, template_problem
from desktop.storage.channels import Channel, ChannelRepository


def cmd_notify(args: argparse.Namespace) -> Done:
    with command_database(writes=args.action in ("add", "remove")) as opened:
        return _action(args, ChannelRepository(opened.connection))


def _action(args: argparse.Namespace, repo: ChannelRepository) -> Done:
    if args.action == "add":
        if not RULE_ID.match(args.name):
            raise CliError(f"bad channel name {printable(args.name)!r} (letters, digits, _ . : - up to 64)")
        channel = _new_channel(args)
        if args.password_stdin:
            if channel.kind != "email":
                raise CliError("--password-stdin is for an e-mail channel")
            try:
                save_smtp_password(channel.name, sys.stdin.readline().rstrip("\n"))
            except DeliveryError as exc:
                raise RuntimeFailureError(str(exc)) from None
        before = next((c for c in repo.channels() if c.name == channel.name), None)
        repo.save(channel)
        if before is not None:  # the same name again replaces the channel: said, with what it was
            return Done(0, [f"replaced channel {args.name} ({_target(channel)}; it was {_target(before)})"])
        return Done(0, [f"saved channel {args.name} ({_target(channel)})"])
    if args.action == "list":
        channels = repo.channels()
        if channels:
            print(f"{'NAME':<16} {'KIND':<7} {'FORMAT':<8} {'TARGET':<32} {'USED BY':<18} TEMPLATE")
        for c in channels:
            scope = "all rules" if c.for_all else "rules that name it"
            print(f"{c.name:<16} {c.kind:<7} {c.format:<8} {c.public_target:<32} {scope:<18} {c.template}")
        return Done(0, [] if channels else ["no channels (tickerdesk notify add)"])
    if args.action == "remove":
        gone = repo.channel(args.name)
        if gone is None or not repo.remove(args.name):
            raise CliError(f"no channel named {printable(args.name)!r}")
        if gone.kind == "email":
            try:
                forget_smtp_password(gone.name)
            except DeliveryError as exc:
                return Done(0, [f"removed channel {args.name}; its password is still in the keyring: {exc}"])
        return Done(0, [f"removed channel {args.name}"])
    found = repo.channel(args.name)
    if found is None:
        raise CliError(f"no channel named {printable(args.name)!r}")
    sample = sample_fire()
    try:
        post(found, [sample])
    except DeliveryError as exc:
        raise RuntimeFailureError(f"test message to {found.name} not delivered: {exc}") from None
    print(f"delivered a test message to {found.name}", file=sys.stderr)
    return Done()


def _new_channel(args: argparse.Namespace) -> Channel:
    template = args.template or DEFAULT_TEMPLATE
    problem = template_problem(template)
    if problem is not None:
        raise CliError(problem)
    everyone = not args.only_named
    if args.desktop:
        return Channel(args.name, "desktop", "session-bus", "plain", template, everyone)
    if args.email:
        problem = smtp_target_problem(args.email)
        if problem is not None:
            raise CliError(problem + (" (give it with --password-stdin)" if "password" in problem else ""))
        return Channel(args.name, "email", args.email, args.security, template, everyone)
    url = urlsplit(args.webhook)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise CliError("the webhook must be an http:// or https:// URL")
    return Channel(args.name, "webhook", args.webhook, args.format, template, everyone)


def _target(channel: Channel) -> str:
    """'webhook to https://hooks.example/…', 'desktop to desktop notifications'."""
    return f"{channel.kind} to {channel.public_target}"
