"""Reading OHLCV bars from a CSV file, every row validated before any is used.

Format: a header naming ``timestamp,open,high,low,close,volume`` (any order,
any case, extra columns ignored) and optionally ``symbol``. Timestamps are
ISO-8601 (a time without offset is taken as UTC, as exchanges export) or
epoch milliseconds. A bad row raises ``CsvFormatError`` naming the file, the
line, the column and the value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import Price, Quantity, to_decimal
from copytrade.marketdata.errors import CsvFormatError, MarketDataError, UnknownSymbolError
from copytrade.marketdata.ticks import BAR_PRICE_COLUMNS, Bar, bar_problem

REQUIRED_COLUMNS = ("timestamp", *BAR_PRICE_COLUMNS, "volume")
SYMBOL_COLUMN = "symbol"
_VALUE_COLUMNS = (*BAR_PRICE_COLUMNS, "volume")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Epoch milliseconds of 1973-03-03 and of the year 5138: outside them the
# number is most likely seconds or microseconds, a unit mistake worth naming.
_MIN_EPOCH_MS = 10**11
_MAX_EPOCH_MS = 10**14


def parse_timestamp(text: str) -> datetime:
    """An ISO-8601 time or epoch milliseconds as aware UTC; ValueError says why not."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        millis = int(text)
        if millis < _MIN_EPOCH_MS:
            raise ValueError("too small for epoch milliseconds (seconds? multiply by 1000)")
        if millis >= _MAX_EPOCH_MS:
            raise ValueError("too large for epoch milliseconds (microseconds? divide by 1000)")
        return _EPOCH + timedelta(milliseconds=millis)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO-8601 time or epoch milliseconds") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _header_columns(path: Path, header: list[str] | None) -> dict[str, int]:
    expected = ",".join(REQUIRED_COLUMNS)
    if header is None:
        raise CsvFormatError(path, 1, "timestamp", "", f"the file is empty; expected {expected}")
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if name in columns:
            raise CsvFormatError(path, 1, name, raw, "the column is named twice in the header")
        columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise CsvFormatError(
                path,
                1,
                name,
                ",".join(header),
                f"the header lacks this column; it needs {expected} (and optionally symbol)",
            )
    return columns


class _RowReader:
    """Turns rows into bars, remembering each symbol's last time to check order."""

    def __init__(self, path: Path, columns: dict[str, int], symbol: str | None) -> None:
        self.path = path
        self.columns = columns
        self.names = sorted(columns, key=columns.__getitem__)
        self.has_symbol = SYMBOL_COLUMN in columns
        if not self.has_symbol and symbol is None:
            raise CsvFormatError(
                path, 1, SYMBOL_COLUMN, "", "the file has no symbol column; pass the symbol"
            )
        self.default_symbol = symbol
        self.last_seen: dict[str, tuple[datetime, int]] = {}

    def error(self, line: int, column: str, value: str, problem: str) -> CsvFormatError:
        return CsvFormatError(self.path, line, column, value, problem)

    def bar(self, line: int, row: list[str]) -> Bar:
        if len(row) != len(self.names):
            column = self.names[len(row)] if len(row) < len(self.names) else "(extra field)"
            value = "" if len(row) < len(self.names) else row[len(self.names)]
            raise self.error(
                line, column, value, f"the row has {len(row)} fields, the header {len(self.names)}"
            )
        cells = {name: row[index] for name, index in self.columns.items()}
        symbol = cells[SYMBOL_COLUMN].strip() if self.has_symbol else self.default_symbol
        if not symbol:
            raise self.error(line, SYMBOL_COLUMN, cells[SYMBOL_COLUMN], "the symbol is empty")
        ts = self._timestamp(line, cells["timestamp"], symbol)
        values = [self._number(line, name, cells[name]) for name in _VALUE_COLUMNS]
        problem = bar_problem(*values)
        if problem is not None:
            raise self.error(line, problem[0], cells[problem[0]], problem[1])
        open_, high, low, close, volume = values
        return Bar(
            symbol, ts, Price(open_), Price(high), Price(low), Price(close), Quantity(volume)
        )

    def _timestamp(self, line: int, text: str, symbol: str) -> datetime:
        try:
            ts = parse_timestamp(text)
        except ValueError as error:
            raise self.error(line, "timestamp", text, str(error)) from None
        previous = self.last_seen.get(symbol)
        if previous is not None and ts <= previous[0]:
            raise self.error(
                line,
                "timestamp",
                text,
                f"{symbol} times must increase; line {previous[1]} has {previous[0].isoformat()}",
            )
        self.last_seen[symbol] = (ts, line)
        return ts

    def _number(self, line: int, column: str, text: str) -> Decimal:
        try:
            return to_decimal(text, column)
        except InvalidValueError:
            raise self.error(line, column, text, "not a number") from None


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row, the header first; blank lines skipped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            for row in reader:
                if row:
                    yield reader.line_num, row
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise MarketDataError(f"cannot read CSV file {path}: {error}") from None


def load_bars(path: str | Path, symbol: str | None = None) -> tuple[Bar, ...]:
    """Every bar of the file in file order, after validating every row.

    With a symbol column, ``symbol`` keeps only that symbol's bars (all rows
    are still validated); without one, ``symbol`` names the file's instrument.
    """
    path = Path(path)
    rows = csv_rows(path)
    first = next(rows, None)
    reader = _RowReader(path, _header_columns(path, first[1] if first else None), symbol)
    bars = [reader.bar(line, row) for line, row in rows]
    if not bars:
        raise CsvFormatError(path, 2, "timestamp", "", "the file has no data rows")
    if symbol is not None and reader.has_symbol:
        bars = [bar for bar in bars if bar.symbol == symbol]
        if not bars:
            raise UnknownSymbolError(symbol, tuple(reader.last_seen), f"CSV file {path}")
    return tuple(bars)
