"""Symbol list files as people bring them from brokers and spreadsheets, and what is not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.symbol_lists import MAX_SYMBOLS, SymbolListError, parse_symbols, read_symbol_file, ticker_of

from .test_price_files_hostile import workbook_bytes


def test_a_broker_export_reads_as_its_symbol_column(tmp_path: Path) -> None:
    export = tmp_path / "positions.csv"
    export.write_bytes(
        "\ufeffSymbol,Description,Quantity\r\nnvda,NVIDIA,10\r\nBRK-B,Berkshire,1\r\n$$$,cash,1\r\n".encode()
    )
    assert read_symbol_file(export) == (["NVDA", "BRK-B"], ["$$$"])


def test_a_broker_export_with_a_title_above_its_header_reads_as_its_symbol_column(tmp_path: Path) -> None:
    """A positions export laid out as Schwab's: a title row and a blank row above the header, a cash row and
    a total row below the positions (their words are not tickers to add: CASH and TOTAL would be)."""
    export = tmp_path / "positions.csv"
    export.write_text(
        '"Positions for account Individual ...123 as of 09:41 AM ET, 2025/11/14","","",""\n'
        '"","","",""\n'
        '"Symbol","Description","Qty (Quantity)","Price",\n'
        '"AAPL","APPLE INC","10","$272.41",\n'
        '"BRK/B","BERKSHIRE HATHAWAY CL B","2","$503.10",\n'
        '"IWM","ISHARES RUSSELL 2000 ETF","15","$237.65",\n'
        '"Cash & Cash Investments","--","--","--",\n'
        '"Account Total","--","--","--",\n'
    )
    assert read_symbol_file(export) == (["AAPL", "BRK-B", "IWM"], ["Cash & Cash Investments", "Account Total"])


def test_a_small_positions_file_reads_though_most_of_its_rows_are_not_positions(tmp_path: Path) -> None:
    """Laid out as Fidelity's positions export: the core money market marked **, a pending-activity row,
    the disclaimer below; one position beside them is still a list of symbols (it has a Symbol column)."""
    export = tmp_path / "Portfolio_Positions.csv"
    export.write_text(
        "Account Number,Account Name,Symbol,Description,Quantity,Last Price\n"
        "Z12345678,Individual,SPAXX**,HELD IN MONEY MARKET,,\n"
        "Z12345678,Individual,NVDA,NVIDIA CORPORATION COM,10,$190.17\n"
        "Z12345678,Individual,Pending Activity,,,\n"
        "\n"
        '"The data and information in this spreadsheet is provided to you solely for your use."\n'
    )
    assert read_symbol_file(export) == (["SPAXX", "NVDA"], ["Pending Activity"])
    export.write_text("Symbol,Description\nNVDA,NVIDIA\nCash & Cash Investments,--\nAccount Total,--\n")
    assert read_symbol_file(export) == (["NVDA"], ["Cash & Cash Investments", "Account Total"])


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
        (workbook_bytes(), "a spreadsheet workbook \\(save it as CSV\\)"),
        ("NVDA\nSOCI\u00c9T\u00c9\n".encode("latin-1"), "not UTF-8"),
        (b"   \n, ;\n", "no ticker symbols"),
        (
            b"root:x:0:0:root:/root:/bin/bash\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n",
            "mostly not ticker symbols",
        ),
        (b"x" * ((1 << 20) + 1), "over 1 MB"),
        (" ".join(f"S{k:04d}" for k in range(MAX_SYMBOLS + 1)).encode(), "1,001 symbols; a watchlist holds at most"),
    ],
)
def test_what_is_not_a_symbol_list_is_named(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    with pytest.raises(SymbolListError, match=words) as caught:
        read_symbol_file(path)
    assert str(caught.value).startswith("list.txt: ")


@pytest.mark.parametrize(
    ("word", "ticker"),
    [(" brk-b ", "BRK-B"), ("$nvda", "NVDA"), ("$^vix", None), ("$12", None), ("$", None), ("$$NVDA", None),
     ("eurusd=x", "EURUSD=X"), ("NV DA", None), ("brk/b", "BRK-B"), ("BRK B", "BRK-B"), ("EUR/USD", None),
     ("NASDAQ:AAPL", "AAPL"), ("NYSE:BRK.B", "BRK-B"), ("AMEX:SPY", "SPY"), ("BATS:IWM", "IWM"),
     ("LSE:VOD", "VOD.L"), ("XETR:SAP", "SAP.DE"), ("TSX:RY", "RY.TO"), ("TVC:VIX", None), ("SP:SPX", None)],
)  # fmt: skip
def test_a_typed_word_as_a_ticker_with_a_cashtag_dollar_dropped(word: str, ticker: str | None) -> None:
    assert ticker_of(word) == ticker


def test_a_tradingview_watchlist_export_reads_as_its_tickers(tmp_path: Path) -> None:
    """TradingView's "Export list": EXCHANGE:TICKER entries separated by commas, sections as ###Name."""
    export = tmp_path / "Rotation.txt"
    export.write_text("###Index ETFs,AMEX:SPY,NASDAQ:QQQ,AMEX:IWM,###Big Tech,NASDAQ:AAPL,NASDAQ:NVDA,"
                      "NYSE:BRK.B,###Volatility Index,TVC:VIX")  # fmt: skip
    assert read_symbol_file(export) == (["SPY", "QQQ", "IWM", "AAPL", "NVDA", "BRK-B"], ["TVC:VIX"])
    one_a_line = "###Daily Signals\nNASDAQ:GOOG, NASDAQ:MSFT\n\n### Weekly Picks\nNYSE:BAC\n"
    assert parse_symbols(one_a_line) == (["GOOG", "MSFT", "BAC"], [])


def test_a_pasted_line_of_cashtags_reads_as_its_tickers() -> None:
    assert parse_symbols("$NVDA, $amd; $12.50 $TSLA $NVDA") == (["NVDA", "AMD", "TSLA"], ["$12.50"])
