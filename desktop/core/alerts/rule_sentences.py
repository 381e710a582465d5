"""Rules as people type them: "NVDA crosses below 175", "TSLA moves more than 5% on the day", "IWM's return
minus QQQ's since the quarter began crosses above 1.5 points", read into the fields `rule_from_dict` checks.

A sentence is a subject (what is watched), a condition and a level, in that order; the subject's shape
says the rule's type. Every rule's own description (what the table, the log and `alerts list` show) reads
back to the same rule, so a rule seen on screen can be typed again. What is read is only the rule's
shape: its values are checked by `rule_from_dict`, its symbols by whoever knows the sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from desktop.core.alerts.rules import Quadrant
from desktop.core.alerts.windows import parse_window
from desktop.core.symbol_lists import ticker_of

MAX_SENTENCE = 300  # characters: a rule is one line
EXAMPLES = "NVDA crosses below 175, TSLA moves more than 5%, IWM - QQQ qtd spread crosses above 1.5"


class SentenceError(ValueError):
    """A sentence that does not read as a rule; the message says what was expected."""


class WhichWayError(SentenceError):
    """A crossing with no way given ("NVDA hits 200", "NVDA crosses 175"): `above` and `below` are the fields
    of the two rules it may mean. Whoever knows the value now can take the one toward the level (`toward`)."""

    def __init__(self, message: str, above: dict[str, Any], below: dict[str, Any]) -> None:
        super().__init__(message)
        self.above = above
        self.below = below


def toward(error: WhichWayError, now: float) -> dict[str, Any]:
    """Of the two rules a crossing with no way may mean, the one the value `now` has to move to meet: a level
    over it is crossed upward. A value on the level says neither (SentenceError)."""
    level = error.above["level"]
    if now == level:
        raise SentenceError(f"{error} (the value is at the level now)")
    return dict(error.above if now < level else error.below)


# Conditions, as a regex alternative each, longest phrasings first within a condition. "up/down more than"
# are a signed day's move ("drops 3%" too: a verb of moving with a level in %); "moves more than" is a move
# either way.
_GAINS = "gains|rises|jumps|climbs|rallies|surges|soars"
_LOSES = "falls|drops|loses|sinks|slides|declines|slumps|tumbles|plunges"
_CONDITION_WORDS: list[tuple[str, str]] = [
    ("crosses_above", r"cross(?:es)? (?:above|over|up(?: through)?)|(?:rises|climbs|goes|gets|breaks|moves|jumps)"
                      r" (?:above|over)"),
    ("crosses_below", r"cross(?:es)? (?:below|under|down(?: through)?)|(?:falls|drops|goes|gets|breaks|dips|sinks"
                      r"|moves|slips) (?:below|under)"),
    ("crosses", r"cross(?:es)?(?: through)?"),  # either way: "IWM - QQQ qtd crosses +1.5 points"
    ("outside", r"(?:is |goes |moves )?outside|(?:moves|swings)(?: by)?(?: more than| over)?"),
    ("up", rf"(?:is )?up(?: by)?(?: more than| over)?|(?:{_GAINS})(?: by)?(?: more than| over)?"),
    ("down", rf"(?:is )?down(?: by)?(?: more than| over)?|(?:{_LOSES})(?: by)?(?: more than| over)?"),
    ("above", r"(?:is |trades |stays )?(?:above|over)|>"),
    ("below", r"(?:is |trades |stays )?(?:below|under)|<"),
]  # fmt: skip
_CONDITION = "|".join(f"(?P<{name}>{words})" for name, words in _CONDITION_WORDS)
_NUMBER = r"[+-]?\$?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_UNIT = r"%|percent|pts?|points?|sd|sds|sigmas?|σ|standard deviations?"
_ON_THE_DAY = r"on the day|today|for the day|in a day"
_TAIL = (
    rf"^(?P<head>.+?)\s+(?:{_CONDITION})\s*(?P<both>±\s*)?(?P<level>{_NUMBER})(?:\s*(?:usd|dollars?))?\s*"
    rf"(?P<unit>{_UNIT})?"
    rf"(?P<day>\s+(?:{_ON_THE_DAY}))?$"
)
_NO_LEVEL = rf"^(?P<head>.+?)\s+(?:{_CONDITION})$"
_WORD_LEVEL = rf"^(?P<head>.+?)\s+(?:{_CONDITION})\s+(?P<word>[^\s\d$.+-]\S*)(?:\s+(?:{_UNIT}|{_ON_THE_DAY}))?$"
# Reaching a level with no way said: "hits 200", "reaches 0.42" (from where the value is now, so the window
# asks the value; "crosses 175" is a crossing either way).
_TOWARD = rf"\b(?:hits|reaches|touches|breaks|passes|gets to|goes to|trades at)\s+(?=(?:±\s*)?{_NUMBER})"

_SYMBOL = r"[^\s/()]+?"
_PAIR = rf"(?P<a>{_SYMBOL})\s*/\s*(?P<b>{_SYMBOL})"
# "its 50-day average", "the 200 day moving average", "50-day MA", "the 50 DMA" (the article may be left out).
_AVERAGE = (
    r"(?:(?:its|the)\s+)?(?P<ma>\d+)(?:[- ]?(?:sessions?|days?|d)(?:\s+(?:moving|simple))?\s+(?:average|ma|sma)"
    r"|\s*dma)"
)
_SUBJECT = rf"(?P<subject>{_SYMBOL}(?:\s*/\s*{_SYMBOL})?)(?:\s+(?:ratio|price|'s price))?"
# "NVDA crosses below its 50-day average" (level 0) and "TSLA is more than 10% above its 50-day average".
_AVERAGE_CROSS = rf"^{_SUBJECT}\s+(?:{_CONDITION})\s+{_AVERAGE}$"
_FROM_AVERAGE = (
    rf"^{_SUBJECT}\s+(?:is\s+|trades\s+|gets\s+|goes\s+)?(?:more than\s+|over\s+)?(?P<level>{_NUMBER})\s*"
    rf"(?:%|percent)\s+(?P<side>above|below)\s+{_AVERAGE}$"
)
# What may close a sentence besides the rule: "once", a cooldown ("cooldown 30 minutes", "at most every 2h").
_DURATION_UNITS = {"s": "s", "sec": "s", "second": "s", "m": "m", "min": "m", "minute": "m", "h": "h", "hr": "h",
                   "hour": "h", "d": "d", "day": "d"}  # fmt: skip
_EXTRA = (
    r"^(?P<body>.+?)(?:\s*[,;]\s*|\s+)(?:(?P<once>(?:only\s+)?once)|(?:with\s+a\s+)?(?:cooldown(?:\s+of)?|"
    r"at\s+most\s+(?:once\s+)?every|no\s+more\s+than\s+(?:once\s+)?every)\s+(?P<n>\d+)\s*"
    r"(?P<unit>s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))$"
)
_QUADRANTS = [q.value for q in Quadrant]
_QUADRANT_NAMES = f"{', '.join(_QUADRANTS[:-1])} or {_QUADRANTS[-1]}"
_QUADRANT = (
    rf"^(?P<symbol>{_SYMBOL})\s+(?:enters|moves into|goes into|turns)\s+(?:the\s+)?(?P<quadrant>\w+)"
    rf"(?:\s+quadrant)?(?:\s+(?:vs\.?|versus|against|relative to)\s+(?P<benchmark>{_SYMBOL}))?"
    rf"(?:\s+\((?P<ma>\d+)\s*/\s*(?P<momentum>\d+)\))?$"
)

_PRICE = (
    rf"^(?:(?:the\s+)?price\s+of\s+)?(?P<symbol>{_SYMBOL})(?:'s)?(?:\s+(?:price|last|last price|share price|"
    rf"stock|shares|quote))?$"
)
_CHANGE = (
    rf"^(?P<symbol>{_SYMBOL})(?:'s)?(?:\s+(?:day's|daily|day))?\s+(?:change(?:\s*%)?|%\s*change|percent change|"
    rf"move|change on the day)$"
)
_RATIO = rf"^(?:the\s+)?(?:{_PAIR}(?:\s+ratio)?|ratio\s+of\s+(?P<a2>{_SYMBOL})\s+to\s+(?P<b2>{_SYMBOL}))$"
_ZSCORE = (
    rf"^{_PAIR}(?:\s+ratio)?\s+(?:(?P<n1>\d+)[- ](?:sessions?|days?)\s+)?z[- ]?score(?:\s+\((?P<n2>\d+)\s+"
    rf"(?:sessions?|days?)\)|\s+over\s+(?:the\s+last\s+)?(?P<n3>\d+)\s+(?:sessions?|days?))?$"
)
_TREND = rf"^{_SUBJECT}\s+(?:vs\.?|versus|against|relative to|from)\s+{_AVERAGE}$"
_SPREAD = (
    rf"^(?P<a>{_SYMBOL})(?:'s)?(?:\s+returns?)?\s+(?:-|minus|less|vs\.?|versus)\s+(?P<b>{_SYMBOL})(?:'s)?"
    rf"(?P<rest>(?:\s.*)?)$"
)
_SPREAD_WORDS = r"\b(?:return spread|spread|returns?|performance)\b"
# "IWM-QQQ qtd spread": two symbols joined by a dash, when what follows says a spread (BRK-B and BTC-USD are
# single symbols that hold a dash).
_DASHED_PAIR = r"^(?P<a>[^\s/()-]{2,})-(?P<b>[^\s/()-]{2,})(?P<rest>\s.*)$"
# "IWM outperforms QQQ by 1.5 points since the quarter began": a spread said as one leg's lead over the other.
_LEAD = (
    rf"^(?P<a>{_SYMBOL})\s+(?:(?P<ahead>outperforms|beats|leads|is ahead of)|(?P<behind>underperforms|lags|trails|"
    rf"is behind|falls behind))\s+(?P<b>{_SYMBOL})\s+by\s+(?:more than\s+|over\s+)?(?P<level>{_NUMBER})\s*"
    rf"(?P<unit>%|percent|pts?|points?|percentage points)?(?P<rest>(?:\s.*)?)$"
)
_PERIOD_WORDS = {"month": "mtd", "quarter": "qtd", "year": "ytd"}
_PERIOD = (
    r"^(?:(?:since|from)\s+(?:the\s+)?(?:start\s+of\s+(?:the\s+)?)?(?P<a>month|quarter|year)(?:\s+(?:began|start|"
    r"started))?|(?:this|for the)\s+(?P<b>month|quarter|year)|(?P<c>month|quarter|year)[- ]to[- ]date)$"
)
_SESSIONS = r"^(?:over\s+(?:the\s+)?(?:last\s+|past\s+)?)?(?P<n>\d+)[- ]?(?:sessions?|days?|trading days?|d)$"
_STOP_WORDS = frozenset({"PRICE", "CHANGE", "RATIO", "SPREAD", "RETURN", "THE", "IT", "ITS", "A", "AN"})
_UNITS = {"%": "%", "percent": "%", "pt": "pts", "pts": "pts", "point": "pts", "points": "pts"}  # else "sd"
# The units each type's level may carry ("" for none).
_UNITS_OF = {
    "price": {""}, "change": {"", "%"}, "spread": {"", "pts", "%"}, "ratio": {""}, "trend": {"", "%"},
    "zscore": {"", "sd"},
}  # fmt: skip
_UNIT_MEANS = {"%": "a %", "pts": "points", "sd": "standard deviations"}


@cache
def _re(source: str) -> re.Pattern[str]:
    """A pattern compiled when first used: together they take 20 ms, which the window's start does not need."""
    return re.compile(source, re.IGNORECASE)


def rule_fields_of(sentence: str) -> dict[str, Any]:
    """The fields of the rule a sentence says (`type`, its symbols and settings, `condition` and `level`);
    SentenceError says what was expected. "once" or a cooldown may close the sentence ("…, cooldown 30
    minutes"); anything it does not say (a name, channels) is left for the caller to add."""
    text = _normal(sentence)
    if not text:
        raise SentenceError(f"Type a rule, such as {EXAMPLES}")
    if len(text) > MAX_SENTENCE:
        raise SentenceError(f"{len(text)} characters: a rule is at most {MAX_SENTENCE}")
    text, extra = _extras(text)
    try:
        return {**_shape_of(text), **extra}
    except WhichWayError as crossing:  # either way, what closed the sentence goes with it
        crossing.above.update(extra)
        crossing.below.update(extra)
        raise


def _extras(text: str) -> tuple[str, dict[str, Any]]:
    """The sentence without what closes it besides the rule ("once", a cooldown), and those as fields."""
    extra: dict[str, Any] = {}
    while (closing := _re(_EXTRA).match(text)) is not None:
        if closing["once"]:
            extra["once"] = True
        else:
            unit = closing["unit"].lower().rstrip("s") or "s"
            extra["cooldown"] = f"{int(closing['n'])}{_DURATION_UNITS[unit]}"
        text = closing["body"]
    return text, extra


def _shape_of(text: str) -> dict[str, Any]:
    """The fields of what the sentence (without its closing extras) watches, its condition and level."""
    if (quadrant := _re(_QUADRANT).match(text)) is not None:
        return _quadrant_fields(quadrant)
    if re.search(r"\s(?:enters|moves into|goes into)\s", text, re.IGNORECASE):
        raise SentenceError(f"{text!r}: a quadrant is {_QUADRANT_NAMES} (IWM enters leading vs SPY)")
    if (lead := _re(_LEAD).match(text)) is not None:
        return _lead_fields(lead, text)
    if (average := _re(_AVERAGE_CROSS).match(text)) is not None:
        return {**_subject_of(average["subject"]), "type": "trend", "ma": int(average["ma"]),
                "condition": _condition(average)[0], "level": 0.0}  # fmt: skip
    if (away := _re(_FROM_AVERAGE).match(text)) is not None:
        level = abs(_number(away["level"]))
        side = away["side"].lower()
        return {**_subject_of(away["subject"]), "type": "trend", "ma": int(away["ma"]), "condition": side,
                "level": level if side == "above" else -level}  # fmt: skip
    tail = _re(_TAIL).match(text)
    if tail is None:
        if (crossing := _re(_TOWARD).search(text)) is not None:
            raise _which_way(text, crossing)
        raise SentenceError(_why_no_tail(text))
    condition, sign = _condition(tail)
    unit = _unit(tail["unit"])
    if sign and unit != "%" and _re(rf"^(?:{_GAINS}|{_LOSES})(?: by)?$").match(tail["up"] or tail["down"]):
        way, verb = "above" if sign > 0 else "below", (tail["up"] or tail["down"]).split()[0]
        move = tail["level"] if abs(_number(tail["level"])) < 100 else "5"
        raise SentenceError(
            f"{text!r}: to a price or by a %? ({tail['head']} crosses {way} {tail['level']} for a price, "
            f"{tail['head']} {verb} {move}% today for a day's move)"
        )
    level = _number(tail["level"])
    if sign:
        level = sign * abs(level)
    if tail["both"] and condition != "outside":
        raise SentenceError(f"± goes with a move either way: {tail['head']} moves more than ±{tail['level']}")
    fields = _subject_fields(tail["head"], unit, moved=condition == "outside" or bool(sign))
    if tail["day"]:
        if fields["type"] == "spread" and "window" not in fields:
            fields["window"] = "day"
        elif fields["type"] != "change":
            raise SentenceError(f"{tail['day'].strip()!r} is for a day's move (TSLA moves more than 5% on the day)")
    if fields["type"] == "spread" and "window" not in fields:
        raise SentenceError(
            f"{tail['head']!r}: a spread needs the window its returns are measured over: day, 5d, mtd, qtd, ytd, "
            "since 2025-10-01, since the quarter began (IWM - QQQ qtd spread)"
        )
    if unit not in _UNITS_OF[fields["type"]]:
        raise SentenceError(f"a {fields['type']} rule's level is not in {_UNIT_MEANS[unit]} ({tail['unit']})")
    return {**fields, "condition": condition, "level": level}


def reads_as_rule(text: str) -> bool:
    """Whether `text` says a rule (what it says may still be refused: an unknown symbol, a level of 0, a
    crossing with no way where no value tells which)."""
    try:
        rule_fields_of(text)
    except WhichWayError:
        return True
    except SentenceError:
        return False
    return True


# The request a rule may be said in ("alert me when ...", "if ..."); "IF" in capitals is a ticker.
_ASKING = (
    r"^(?:(?:alert|notify|tell|ping|warn|remind)\s+me\s+(?:when|if)|let\s+me\s+know\s+(?:when|if)|when(?:ever)?|if)\s+"
)


def _normal(sentence: str) -> str:
    text = sentence.strip().rstrip(".!").strip()
    for dash in "−–—":
        text = text.replace(dash, "-")
    text = text.replace("’", "'").replace("+/-", "±").replace("+-", "±")
    text = re.sub(r"\s+", " ", text)
    if (asking := _re(_ASKING).match(text)) is not None and not asking[0].strip().isupper():
        text = text[asking.end() :]
    return text


def _condition(match: re.Match[str]) -> tuple[str, int]:
    """The condition a match names, and the sign a signed move gives its level (0: the level as written)."""
    for name, _words in _CONDITION_WORDS:
        if match[name] is not None:
            if name == "up":
                return "above", 1
            if name == "down":
                return "below", -1
            return name, 0
    raise AssertionError("a condition matched with no name")


def _number(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


def _unit(text: str | None) -> str:
    if not text:
        return ""
    return _UNITS.get(text.lower(), "sd")


def _which_way(text: str, crossing: re.Match[str]) -> WhichWayError:
    """The two rules a crossing with no way may mean, read from the sentence said each way (what else is
    wrong with it is said first)."""
    above, below = (f"{text[: crossing.start()]}crosses {way} {text[crossing.end() :]}" for way in ("above", "below"))
    return WhichWayError(
        f"{text!r}: crosses which way? {above!r} or {below!r}", rule_fields_of(above), rule_fields_of(below)
    )


def _why_no_tail(text: str) -> str:
    if (bare := _re(_NO_LEVEL).match(text)) is not None:
        return f"{text!r}: a level goes after the condition ({bare['head']} crosses below 175)"
    if (worded := _re(_WORD_LEVEL).match(text)) is not None:
        return f"{text!r}: {worded['word']!r} is not a level: a number goes there ({worded['head']} crosses below 175)"
    return (
        f"{text!r}: no condition in it: crosses above, crosses below, above, below, moves more than, up or "
        f"down more than, followed by a level ({EXAMPLES})"
    )


def _ticker(word: str) -> str:
    ticker = ticker_of(word)
    if ticker is None:
        raise SentenceError(f"{word!r} is not a ticker symbol")
    if ticker in _STOP_WORDS:
        raise SentenceError(f"no symbol before {word!r}: whose? (NVDA {word.lower()})")
    return ticker


def _subject_of(subject: str) -> dict[str, Any]:
    """A symbol (NVDA) or a pair written A/B, as a trend rule takes either."""
    if "/" in subject:
        a, b = (part.strip() for part in subject.split("/", 1))
        return {"a": _ticker(a), "b": _ticker(b)}
    return {"symbol": _ticker(subject)}


def _subject_fields(head: str, unit: str, moved: bool) -> dict[str, Any]:
    """What the words before the condition watch; `moved` when the condition is a day's kind of move."""
    if (dashed := _re(_DASHED_PAIR).match(head)) is not None and _says_a_spread(dashed["rest"]):
        head = f"{dashed['a']} - {dashed['b']}{dashed['rest']}"
    readers: list[tuple[str, Callable[[re.Match[str]], dict[str, Any]]]] = [
        (_ZSCORE, _zscore_fields),
        (_TREND, lambda m: {"type": "trend", **_subject_of(m["subject"]), "ma": int(m["ma"])}),
        (_SPREAD, _spread_fields),
        (_RATIO, lambda m: {"type": "ratio", "a": _ticker(m["a"] or m["a2"]), "b": _ticker(m["b"] or m["b2"])}),
        (_CHANGE, lambda m: {"type": "change", "symbol": _ticker(m["symbol"])}),
    ]
    for pattern, read in readers:
        if (match := _re(pattern).match(head)) is not None:
            return read(match)
    if (price := _re(_PRICE).match(head)) is not None:
        symbol = _ticker(price["symbol"])
        # A move, or a level in %, of one symbol is its day's change: TSLA moves more than 5%, NVDA below -3%.
        return {"type": "change" if moved or unit == "%" else "price", "symbol": symbol}
    raise SentenceError(
        f"cannot tell what to watch in {head!r}: a symbol (NVDA), its day's change (TSLA change), a ratio "
        "(IWM/QQQ), a spread (IWM - QQQ qtd), a z-score (IWM/QQQ z-score) or an average (NVDA vs its 50-day "
        "average)"
    )


def _says_a_spread(words: str) -> bool:
    """Whether the words after a pair name a spread or the window of one ("qtd spread", "this quarter")."""
    if _re(_SPREAD_WORDS).search(words):
        return True
    try:
        _window(words.strip())
    except SentenceError:
        return False
    return True


def _zscore_fields(match: re.Match[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": "zscore", "a": _ticker(match["a"]), "b": _ticker(match["b"])}
    sessions = match["n1"] or match["n2"] or match["n3"]
    if sessions:
        fields["lookback"] = int(sessions)
    return fields


def _spread_fields(match: re.Match[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": "spread", "a": _ticker(match["a"]), "b": _ticker(match["b"])}
    words = " ".join(_re(_SPREAD_WORDS).sub(" ", match["rest"]).split())
    if words:
        fields["window"] = _window(words)
    return fields


def _lead_fields(match: re.Match[str], text: str) -> dict[str, Any]:
    """One leg ahead of (or behind) the other by more than a level: the spread above it (or below minus it)."""
    fields: dict[str, Any] = {"type": "spread", "a": _ticker(match["a"]), "b": _ticker(match["b"])}
    window = " ".join(match["rest"].split())
    if not window:
        raise SentenceError(f"{text!r}: since when? add the window (today, this quarter, since 2025-10-01, ...)")
    fields["window"] = _window(window)
    level = abs(_number(match["level"]))
    ahead = match["ahead"] is not None
    return {**fields, "condition": "above" if ahead else "below", "level": level if ahead else -level}


def _window(words: str) -> str:
    """A window as `parse_window` writes it, from its own form (qtd, 5d, since:2025-10-01) or in words."""
    if (period := _re(_PERIOD).match(words)) is not None:
        return _PERIOD_WORDS[(period["a"] or period["b"] or period["c"]).lower()]
    if (sessions := _re(_SESSIONS).match(words)) is not None:
        return f"{int(sessions['n'])}d"
    if _re(rf"^(?:{_ON_THE_DAY})$").match(words):
        return "day"
    try:
        return parse_window(words).text
    except ValueError:
        raise SentenceError(
            f"{words!r} is not a window: day, 5d, mtd, qtd, ytd, since 2025-10-01, since the quarter began, "
            "over the last 20 sessions"
        ) from None


def _quadrant_fields(match: re.Match[str]) -> dict[str, Any]:
    quadrant = match["quadrant"].lower()
    if quadrant not in _QUADRANTS:
        raise SentenceError(f"{match['quadrant']!r}: a quadrant is {_QUADRANT_NAMES}")
    fields: dict[str, Any] = {"type": "quadrant", "symbol": _ticker(match["symbol"])}
    if match["benchmark"]:
        fields["benchmark"] = _ticker(match["benchmark"])
    fields["quadrant"] = quadrant
    if match["ma"]:
        fields["ma"] = int(match["ma"])
        fields["momentum"] = int(match["momentum"])
    return fields
