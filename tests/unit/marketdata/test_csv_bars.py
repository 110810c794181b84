from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.marketdata import (
    CsvFormatError,
    MarketDataError,
    UnknownSymbolError,
    load_bars,
    parse_timestamp,
)
from tests.unit.marketdata.conftest import WriteCsv

HEADER = "timestamp,open,high,low,close,volume"
GOOD = "2024-01-01T00:00:00Z,100,110,95,105,12.5"


def test_loads_bars_with_decimal_values(write_csv: WriteCsv) -> None:
    path = write_csv(f"""
        {HEADER}
        {GOOD}
        2024-01-01T01:00:00Z,105,106,101.5,102,0
    """)
    bars = load_bars(path, "BTC/USDT")
    assert len(bars) == 2
    first = bars[0]
    assert (first.symbol, first.ts) == ("BTC/USDT", datetime(2024, 1, 1, tzinfo=UTC))
    assert (first.open, first.high, first.low, first.close) == (100, 110, 95, 105)
    assert first.volume == Decimal("12.5")
    assert bars[1].low == Decimal("101.5")


def test_header_in_any_order_and_case_extra_columns_ignored(write_csv: WriteCsv) -> None:
    path = write_csv("""
        Volume,Close,trades,Low,High,Open,Timestamp,Symbol
        3,105,77,95,110,100,1704067200000,ETH/USDT
    """)
    (bar,) = load_bars(path)
    assert (bar.symbol, bar.open, bar.close, bar.volume) == ("ETH/USDT", 100, 105, 3)
    assert bar.ts == datetime(2024, 1, 1, tzinfo=UTC)


def test_symbol_column_filters_and_unknown_symbol_is_named(write_csv: WriteCsv) -> None:
    path = write_csv(f"""
        {HEADER},symbol
        {GOOD},BTC/USDT
        {GOOD},ETH/USDT
    """)
    assert [b.symbol for b in load_bars(path)] == ["BTC/USDT", "ETH/USDT"]
    assert [b.symbol for b in load_bars(path, "ETH/USDT")] == ["ETH/USDT"]
    with pytest.raises(
        UnknownSymbolError, match=r"'SOL/USDT' in CSV file .*bars.csv.*BTC/USDT, ETH/USDT"
    ):
        load_bars(path, "SOL/USDT")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T02:30:00+02:00", datetime(2024, 1, 1, 0, 30, tzinfo=UTC)),  # 02:30 at +2 h
        ("2024-01-01 00:00:00", datetime(2024, 1, 1, tzinfo=UTC)),  # no offset: UTC
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)),
        ("1704067200000", datetime(2024, 1, 1, tzinfo=UTC)),  # 1,704,067,200 s since 1970
        ("1704067200123", datetime(2024, 1, 1, 0, 0, 0, 123_000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


# Each bad file: the rows after the header, then the line, column and value
# the error must name. Line 1 is the header; line 2 a good row.
BAD_ROWS = [
    ("2024-01-01T01:00:00Z,abc,110,95,105,1", 3, "open", "abc", "not a number"),
    ("2024-01-01T01:00:00Z,100,110,95,1e,1", 3, "close", "1e", "not a number"),
    ("2024-01-01T01:00:00Z,100,110,95,105,", 3, "volume", "", "not a number"),
    ("2024-13-01T00:00:00Z,100,110,95,105,1", 3, "timestamp", "2024-13-01T00:00:00Z", "ISO-8601"),
    ("1704070800,100,110,95,105,1", 3, "timestamp", "1704070800", "seconds?"),
    ("1704070800000000,100,110,95,105,1", 3, "timestamp", "1704070800000000", "microseconds?"),
    ("2024-01-01T00:00:00Z,100,110,95,105,1", 3, "timestamp", "2024-01-01T00:00:00Z", "line 2"),
    ("2023-12-31T23:00:00Z,100,110,95,105,1", 3, "timestamp", "2023-12-31T23:00:00Z", "increase"),
    ("2024-01-01T01:00:00Z,100,90,95,92,1", 3, "high", "90", "high 90 is below low 95"),
    ("2024-01-01T01:00:00Z,120,110,95,105,1", 3, "open", "120", "outside the bar's range"),
    ("2024-01-01T01:00:00Z,100,110,95,94,1", 3, "close", "94", "close 94 is outside"),
    ("2024-01-01T01:00:00Z,100,110,0,105,1", 3, "low", "0", "low price must be positive"),
    ("2024-01-01T01:00:00Z,100,110,95,105,-2", 3, "volume", "-2", "must not be negative"),
    ("2024-01-01T01:00:00Z,100,110,95", 3, "close", "", "4 fields, the header 6"),
    ("2024-01-01T01:00:00Z,100,110,95,105,1,7", 3, "(extra field)", "7", "7 fields"),
    # A bad row after a good one at line 4: nothing of the file is returned.
    (
        "2024-01-01T01:00:00Z,100,110,95,105,1\n2024-01-01T02:00:00Z,x,1,1,1,1",
        4,
        "open",
        "x",
        "not",
    ),
]


@pytest.mark.parametrize(("rows", "line", "column", "value", "problem"), BAD_ROWS)
def test_bad_rows_name_file_line_column_and_value(
    write_csv: WriteCsv, rows: str, line: int, column: str, value: str, problem: str
) -> None:
    path = write_csv(f"{HEADER}\n{GOOD}\n{rows}")
    with pytest.raises(CsvFormatError) as caught:
        load_bars(path, "BTC/USDT")
    error = caught.value
    assert (error.path, error.line, error.column, error.value) == (path, line, column, value)
    message = str(error)
    assert f"{path}, line {line}, column {column!r}, value {value!r}" in message
    assert problem in message


def test_blank_lines_are_skipped_and_lines_still_counted(write_csv: WriteCsv) -> None:
    path = write_csv(f"{HEADER}\n\n{GOOD}\n\n2024-01-01T01:00:00Z,oops,1,1,1,1")
    with pytest.raises(CsvFormatError) as caught:
        load_bars(path, "BTC/USDT")
    # Line 1 header, 2 blank, 3 good, 4 blank, 5 the bad row.
    assert (caught.value.line, caught.value.column) == (5, "open")


@pytest.mark.parametrize(
    ("text", "column", "problem"),
    [
        ("timestamp,open,high,low,close\n" + GOOD, "volume", "the header lacks this column"),
        ("timestamp,open,OPEN,high,low,close,volume", "open", "named twice"),
        ("", "timestamp", "the file is empty"),
        (HEADER, "timestamp", "no data rows"),
        (f"{HEADER},symbol\n{GOOD}, ", "symbol", "the symbol is empty"),
    ],
)
def test_bad_files_name_the_column(
    write_csv: WriteCsv, text: str, column: str, problem: str
) -> None:
    path = write_csv(text)
    with pytest.raises(CsvFormatError, match=problem) as caught:
        load_bars(path, "BTC/USDT")
    assert caught.value.column == column
    assert str(path) in str(caught.value)


def test_a_file_without_symbol_column_needs_a_symbol(write_csv: WriteCsv) -> None:
    path = write_csv(f"{HEADER}\n{GOOD}")
    with pytest.raises(CsvFormatError, match="no symbol column; pass the symbol"):
        load_bars(path)


def test_a_missing_file_is_a_market_data_error(tmp_path: Path) -> None:
    with pytest.raises(MarketDataError, match=r"cannot read CSV file .*nope\.csv"):
        load_bars(tmp_path / "nope.csv", "BTC/USDT")


def test_times_increase_per_symbol_not_across_symbols(write_csv: WriteCsv) -> None:
    # ETH may start earlier than the last BTC bar: order is checked per symbol.
    path = write_csv(f"""
        {HEADER},symbol
        2024-01-01T01:00:00Z,1,1,1,1,1,BTC/USDT
        2024-01-01T00:00:00Z,1,1,1,1,1,ETH/USDT
    """)
    assert [b.ts.hour for b in load_bars(path)] == [1, 0]
