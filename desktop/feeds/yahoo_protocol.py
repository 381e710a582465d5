"""Yahoo Finance's streaming protocol: subscribe messages out, base64 protobuf `PricingData` frames in.

A frame is the text `{"type": "pricing", "message": "<base64 PricingData>"}` (the streamer's `version=2`);
the first version's frames, the base64 alone, are read too. Floats arrive as float32
(672.35 is sent as 672.3499755859375) and are read back as the shortest decimal with the same float32.
Fields equal to their zero value are absent on the wire and read here as unknown.

Real frames carry Yahoo's own `change` and `change_percent` and no `previous_close`: the base of the
day's change is therefore price − change, which is right for every instrument and session (a crypto
day, an FX day, the overnight session) without this app knowing their calendars.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import MarketSession
from desktop.feeds.yahoo_numbers import f32

SOURCE = "yahoo"

# PricingData.market_hours: 0 pre-market (absent on the wire), 1 regular, 2 post-market, 4 overnight (seen
# in a real frame at 02:07 New York). 3 is named "extended hours" by other clients; no real frame seen.
MARKET_HOURS = {
    0: MarketSession.PRE, 1: MarketSession.REGULAR, 2: MarketSession.POST, 3: MarketSession.CLOSED,
    4: MarketSession.OVERNIGHT,
}  # fmt: skip
QUOTE_TYPE_CRYPTO = 41
# Frame times outside these years are not market data: 1990 .. 2200, in milliseconds.
_EARLIEST_MS, _LATEST_MS = 631_152_000_000, 7_258_118_400_000


class FrameError(ValueError):
    """A frame that is not a pricing message we can read; counted and skipped by the feed."""


def pricing_type() -> Any:
    """yfinance's generated `PricingData` protobuf class.

    The module file is loaded on its own, without running yfinance's package (which would pull in pandas
    and its HTTP stack, and start its caches): the app needs only this message type from it. A frozen
    build carries the same file beside the app.
    """
    global _pricing
    if _pricing is None:
        module = _load(_pricing_file())
        _pricing = module.PricingData
    return _pricing


def _pricing_file() -> Path:
    candidates: list[Path] = []
    spec = importlib.util.find_spec("yfinance")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(loc) / "pricing_pb2.py" for loc in spec.submodule_search_locations]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "yfinance_pricing" / "pricing_pb2.py")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ImportError("yfinance's pricing_pb2.py (the stream's message type) is not installed")


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("tickerdesk_yahoo_pricing_pb2", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_pricing: Any = None


def subscribe_message(symbols: Iterable[str]) -> str:
    return json.dumps({"subscribe": sorted(symbols)})


def unsubscribe_message(symbols: Iterable[str]) -> str:
    return json.dumps({"unsubscribe": sorted(symbols)})


def decode_frame(text: str | bytes) -> Quote:
    """One frame as a Quote; raises FrameError for anything that is not a usable pricing message."""
    payload = _pricing_payload(text)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FrameError(f"bad base64: {exc}") from None
    message = pricing_type()()
    try:
        message.ParseFromString(raw)
    except Exception as exc:  # protobuf's DecodeError, whatever its module path in this version
        raise FrameError(f"bad protobuf: {exc}") from None
    symbol = message.id.strip().upper()
    price = f32(message.price)
    if not symbol or not is_valid_price(price) or not _EARLIEST_MS < message.time < _LATEST_MS:
        raise FrameError(f"pricing message without symbol, price or a sane time ({symbol!r}, {price}, {message.time})")

    def known(value: float) -> float | None:
        return f32(value) if value else None

    crypto = message.quote_type == QUOTE_TYPE_CRYPTO or bool(message.vol_24hr)
    return Quote(
        symbol=symbol,
        price=price,
        time=message.time / 1000.0,
        prev_close=_base(price, message),
        day_open=known(message.open_price),
        day_high=known(message.day_high),
        day_low=known(message.day_low),
        volume=float(message.day_volume) if message.day_volume else None,
        source=SOURCE,
        session=MARKET_HOURS.get(message.market_hours, MarketSession.CLOSED),
        name=message.short_name.strip() or None,
        currency=message.currency.strip() or None,
        price_hint=int(message.price_hint) if 0 < message.price_hint <= 8 else None,
        volume_24h=crypto and bool(message.day_volume),
    )


def _pricing_payload(text: str | bytes) -> str:
    """The base64 `PricingData` a frame carries: the message of the JSON envelope the streamer sends when
    asked for `version=2`, or the frame itself when it is bare base64 text, as the first version of the
    streamer sends (and as other clients' recordings hold them)."""
    try:
        envelope = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        bare = _bare_base64(text)
        if bare is None:
            raise FrameError(f"not JSON: {exc}") from None
        return bare
    except RecursionError:
        raise FrameError("not JSON: nested too deeply") from None
    if not isinstance(envelope, dict) or envelope.get("type") != "pricing":
        kind = envelope.get("type") if isinstance(envelope, dict) else type(envelope).__name__
        raise FrameError(f"not a pricing frame (type {kind!r})")
    payload = envelope.get("message")
    if not isinstance(payload, str):
        raise FrameError("pricing frame without a message")
    return payload


_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def _bare_base64(text: str | bytes) -> str | None:
    """`text` without surrounding whitespace when it is nothing but base64 (a whole number of quads)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            return None
    text = text.strip()
    if len(text) % 4 or not _BASE64.fullmatch(text):
        return None
    return text


def _base(price: float, message: Any) -> float | None:
    """The base of Yahoo's stated figures: its previous close when sent, else price − change, else the base
    its change percent implies; None when the frame states none (the store then carries the last close)."""
    if message.previous_close:
        return f32(message.previous_close)
    if message.change:
        base = price - f32(message.change)
    elif message.change_percent and message.change_percent > -100:
        base = price / (1.0 + f32(message.change_percent) / 100.0)
    else:
        return None
    # price − change of two float32 figures leaves digits neither had: the base is as precise as the change
    # Yahoo shows (its price hint plus two decimals, for the percent's sake).
    hint = message.price_hint if 0 < message.price_hint <= 8 else 8
    base = round(base, hint + 2)
    return base if is_valid_price(base) else None


def encode_frame(**fields: Any) -> str:
    """A pricing frame as Yahoo sends it (used by the fake streamer in tests and by the recorder's tools)."""
    message = pricing_type()(**fields)
    return json.dumps({"type": "pricing", "message": base64.b64encode(message.SerializeToString()).decode()})
