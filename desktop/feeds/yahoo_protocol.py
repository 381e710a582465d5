"""Yahoo Finance's streaming protocol: subscribe messages out, base64 protobuf `PricingData` frames in.

A frame is the text `{"type": "pricing", "message": "<base64 PricingData>"}`. Floats arrive as float32
(672.35 is sent as 672.3499755859375), so prices are rounded to the 7 significant digits a float32
carries. Fields equal to their zero value are simply absent on the wire and read here as unknown.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import MarketSession

SOURCE = "yahoo"

# PricingData.market_hours: 0 pre-market, 1 regular, 2 post-market, 3 extended (overnight, exchange closed).
MARKET_HOURS = {0: MarketSession.PRE, 1: MarketSession.REGULAR, 2: MarketSession.POST, 3: MarketSession.CLOSED}


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


def _f32(value: float) -> float:
    return float(f"{value:.7g}")


def decode_frame(text: str | bytes) -> Quote:
    """One frame as a Quote; raises FrameError for anything that is not a usable pricing message."""
    try:
        envelope = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FrameError(f"not JSON: {exc}") from None
    if not isinstance(envelope, dict) or envelope.get("type") != "pricing":
        kind = envelope.get("type") if isinstance(envelope, dict) else type(envelope).__name__
        raise FrameError(f"not a pricing frame (type {kind!r})")
    payload = envelope.get("message")
    if not isinstance(payload, str):
        raise FrameError("pricing frame without a message")
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
    price = _f32(message.price)
    if not symbol or not is_valid_price(price) or message.time <= 0:
        raise FrameError(f"pricing message without symbol, price or time ({symbol!r}, {price}, {message.time})")

    def known(value: float) -> float | None:
        return _f32(value) if value else None

    return Quote(
        symbol=symbol,
        price=price,
        time=message.time / 1000.0,
        prev_close=known(message.previous_close),
        day_open=known(message.open_price),
        day_high=known(message.day_high),
        day_low=known(message.day_low),
        volume=float(message.day_volume) if message.day_volume else None,
        source=SOURCE,
        session=MARKET_HOURS.get(message.market_hours, MarketSession.CLOSED),
        name=message.short_name or None,
    )


def encode_frame(**fields: Any) -> str:
    """A pricing frame as Yahoo sends it (used by the fake streamer in tests and by the recorder's tools)."""
    message = pricing_type()(**fields)
    return json.dumps({"type": "pricing", "message": base64.b64encode(message.SerializeToString()).decode()})
