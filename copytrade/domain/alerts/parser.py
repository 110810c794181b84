"""Reading a condition such as ``RSI(14) crosses above 70`` (docs/alerts.md).

The grammar is ``grammar.lark``, read by lark's LALR parser: one well-kept library
gives the grammar in one readable file and, on a mistake, the column and the words
that were expected there, which is what the error message names. Values are then
checked (periods, band widths) with the part they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib.resources import files

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput
from lark.exceptions import UnexpectedEOF, UnexpectedToken, VisitError

from copytrade.domain.alerts.conditions import (
    Compare,
    Condition,
    Conditions,
    Direction,
    Operand,
    Sign,
    Turns,
    crosses,
)
from copytrade.domain.alerts.errors import InvalidAlertError, RuleSyntaxError
from copytrade.domain.alerts.series import MACD_DEFAULT, PRICE, IndicatorSpec, Kind, SeriesRef

MAX_LENGTH = 500
MAX_PARTS = 8

# How the message names what was expected (the terminal names are the grammar's).
_WORDS = {
    "_AND": "AND", "_CROSSES": "crosses", "_TURNS": "turns", "ABOVE": "above",
    "BELOW": "below", "GT": ">", "LT": "<", "SIGN": "positive/negative",
    "PRICE_FIELD": "price/close/open/high/low", "_RSI": "RSI", "_SMA": "SMA", "_EMA": "EMA",
    "_ATR": "ATR", "_MACD": "MACD", "MACD_OUTPUT": "line/signal/histogram",
    "BAND": "lower/middle/upper Bollinger(n, k)", "_BOLLINGER": "Bollinger", "_BAND": "band",
    "NUMBER": "a number", "INT": "a whole number", "LPAR": "(", "RPAR": ")", "COMMA": ",",
}
_NOISE = {"$END", "_THE"}  # never worth listing: the end is said otherwise, "the" is optional


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = files("copytrade.domain.alerts").joinpath("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=False)


def _decimal(token: Token) -> Decimal:
    try:
        return Decimal(str(token).replace(",", ""))
    except InvalidOperation:  # the grammar's NUMBER always parses; kept for safety
        raise InvalidAlertError(f"{token!s} is not a number") from None


class _Build(Transformer[Token, Conditions]):
    def start(self, parts: list[Condition]) -> Conditions:
        return Conditions(tuple(parts))

    def cross(self, items: list[object]) -> Compare:
        left, direction, right = items
        return crosses(_operand(left), _direction(direction), _operand(right))

    def compare(self, items: list[object]) -> Compare:
        left, direction, right = items
        return Compare(_operand(left), _direction(direction), _operand(right))

    def turns(self, items: list[object]) -> Turns:
        series, sign = items
        assert isinstance(series, SeriesRef)
        return Turns(series, Sign(str(sign).lower()))

    def direction(self, items: list[Token]) -> Direction:
        word = str(items[0]).lower()
        return {">": Direction.ABOVE, "<": Direction.BELOW}.get(word) or Direction(word)

    def number(self, items: list[Token]) -> Decimal:
        return _decimal(items[0])

    def series(self, items: list[SeriesRef]) -> SeriesRef:
        return items[-1]

    def price(self, items: list[Token]) -> SeriesRef:
        field = str(items[0]).lower()
        return _interned(SeriesRef(PRICE, "close" if field == "price" else field))

    def rsi(self, items: list[Token]) -> SeriesRef:
        return _single(Kind.RSI, items)

    def sma(self, items: list[Token]) -> SeriesRef:
        return _single(Kind.SMA, items)

    def ema(self, items: list[Token]) -> SeriesRef:
        return _single(Kind.EMA, items)

    def atr(self, items: list[Token]) -> SeriesRef:
        return _single(Kind.ATR, items)

    def macd(self, items: list[Token]) -> SeriesRef:
        numbers = [_decimal(t) for t in items if t.type == "INT"]
        outputs = [str(t).lower() for t in items if t.type == "MACD_OUTPUT"]
        params = tuple(numbers) if numbers else tuple(Decimal(p) for p in MACD_DEFAULT)
        return _interned(
            SeriesRef(IndicatorSpec(Kind.MACD, params), outputs[0] if outputs else "line")
        )

    def bollinger(self, items: list[Token]) -> SeriesRef:
        band, period, width = items
        spec = IndicatorSpec(Kind.BOLLINGER, (_decimal(period), _decimal(width)))
        return _interned(SeriesRef(spec, str(band).lower()))


def _single(kind: Kind, items: list[Token]) -> SeriesRef:
    return _interned(SeriesRef(IndicatorSpec(kind, (_decimal(items[0]),)), "value"))


@cache
def _interned(ref: SeriesRef) -> SeriesRef:
    """One object per distinct series, whichever rule names it: values are looked up
    by series on every closed candle, and the same object is found by identity, without
    comparing fields."""
    return ref


def _operand(item: object) -> Operand:
    assert isinstance(item, SeriesRef | Decimal)
    return item


def _direction(item: object) -> Direction:
    assert isinstance(item, Direction)
    return item


def parse_conditions(text: str) -> Conditions:
    """The conditions of ``text``; a ``RuleSyntaxError`` naming the wrong part otherwise."""
    if len(text) > MAX_LENGTH:
        problem = f"longer than {MAX_LENGTH} characters"
        raise RuleSyntaxError(text[:40] + "...", MAX_LENGTH, "", problem)
    return _parse(text.strip())


@lru_cache(maxsize=4096)
def _parse(text: str) -> Conditions:
    if not text:
        raise RuleSyntaxError(text, 1, "", "the condition is empty")
    try:
        tree = _lark().parse(text)
        conditions = _Build().transform(tree)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    except VisitError as error:
        if isinstance(error.orig_exc, InvalidAlertError):
            raise InvalidAlertError(f"condition {text!r}: {error.orig_exc}") from None
        raise
    if len(conditions.parts) > MAX_PARTS:
        raise InvalidAlertError(f"condition {text!r}: at most {MAX_PARTS} parts joined by AND")
    return conditions


def _syntax_error(text: str, error: UnexpectedInput) -> RuleSyntaxError:
    column = int(getattr(error, "column", 0) or 0)
    at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
    if isinstance(error, UnexpectedEOF) or at_end or column <= 0:
        expected = _expected(getattr(error, "expected", ()))
        return RuleSyntaxError(text, len(text) + 1, "", f"it ends too early; expected {expected}")
    part = text[column - 1:].split(maxsplit=1)[0] if text[column - 1:].strip() else ""
    if isinstance(error, UnexpectedToken):
        expected = _expected(error.accepts or error.expected)
    elif isinstance(error, UnexpectedCharacters):
        expected = _expected(error.allowed)
    else:  # pragma: no cover - lark raises only the kinds above
        expected = "something else"
    return RuleSyntaxError(text, column, part, f"expected {expected}")


def _expected(names: Iterable[object] | None) -> str:
    words = sorted({_WORDS.get(str(n), str(n)) for n in names or () if str(n) not in _NOISE})
    if not words:
        return "the end of the condition"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
