"""The condition language: what it reads, its canonical text, and its errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.alerts.conditions import Compare, Direction, Sign, Turns
from copytrade.domain.alerts.errors import InvalidAlertError, RuleSyntaxError
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.series import IndicatorSpec, Kind, SeriesRef


def spec(kind: Kind, *params: str) -> IndicatorSpec:
    return IndicatorSpec(kind, tuple(Decimal(p) for p in params))


RSI14 = SeriesRef(spec(Kind.RSI, "14"), "value")
CLOSE = SeriesRef(spec(Kind.PRICE), "close")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("RSI(14) crosses above 70", Compare(RSI14, Direction.ABOVE, Decimal(70), True)),
        (
            "EMA(9) crosses above EMA(21)",
            Compare(
                SeriesRef(spec(Kind.EMA, "9"), "value"),
                Direction.ABOVE,
                SeriesRef(spec(Kind.EMA, "21"), "value"),
                True,
            ),
        ),
        (
            "MACD histogram turns positive",
            Turns(SeriesRef(spec(Kind.MACD, "12", "26", "9"), "histogram"), Sign.POSITIVE),
        ),
        (
            "close crosses below the lower Bollinger band (20, 2)",
            Compare(
                CLOSE, Direction.BELOW, SeriesRef(spec(Kind.BOLLINGER, "20", "2"), "lower"), True
            ),
        ),
        ("price above 70,000", Compare(CLOSE, Direction.ABOVE, Decimal(70000))),
        ("price > 70000.5", Compare(CLOSE, Direction.ABOVE, Decimal("70000.5"))),
        ("rsi(14) < 30", Compare(RSI14, Direction.BELOW, Decimal(30))),
        (
            "ATR(14) above 150",
            Compare(SeriesRef(spec(Kind.ATR, "14"), "value"), Direction.ABOVE, Decimal(150)),
        ),
        (
            "high crosses above SMA(50)",
            Compare(
                SeriesRef(spec(Kind.PRICE), "high"),
                Direction.ABOVE,
                SeriesRef(spec(Kind.SMA, "50"), "value"),
                True,
            ),
        ),
    ],
)
def test_each_kind_of_condition_reads(text: str, part: object) -> None:
    assert parse_conditions(text).parts == (part,)


def test_and_joins_conditions_and_the_canonical_text_reads_back() -> None:
    text = "RSI(14) crosses below 30 and price above 60,000 AND MACD(5, 35, 5) signal < 0"
    conditions = parse_conditions(text)
    assert len(conditions.parts) == 3
    assert str(conditions) == (
        "RSI(14) crosses below 30 AND price above 60,000 AND MACD(5, 35, 5) signal below 0"
    )
    assert parse_conditions(str(conditions)) == conditions


def test_outputs_of_one_indicator_share_its_spec() -> None:
    conditions = parse_conditions("MACD line crosses above MACD signal")
    assert {ref.spec for ref in conditions.series} == {spec(Kind.MACD, "12", "26", "9")}
    assert {ref.output for ref in conditions.series} == {"line", "signal"}


@pytest.mark.parametrize(
    ("text", "column", "part", "expected"),
    [
        ("RSI(14) crosses abve 70", 17, "abve", "above or below"),
        ("FOO(3) above 2", 1, "FOO(3)", "RSI"),
        ("RSI 14 > 3", 5, "14", "expected ("),
        ("RSI(14) above 7O", 16, "O", "AND"),
    ],
)
def test_a_syntax_error_names_the_part_and_column(
    text: str, column: int, part: str, expected: str
) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_conditions(text)
    assert (caught.value.column, caught.value.part) == (column, part)
    assert expected in str(caught.value) and repr(text) in str(caught.value)


@pytest.mark.parametrize("text", ["RSI(14) crosses", "price above", "price above 70 AND", " "])
def test_an_unfinished_condition_says_so(text: str) -> None:
    with pytest.raises(RuleSyntaxError, match=r"ends too early|is empty"):
        parse_conditions(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("RSI(0) above 3", "RSI(0): a period must be a whole number from 1 to 1000"),
        ("SMA(5000) above 3", "SMA(5000): a period must be"),
        ("RSI(1) above 3", "RSI needs a period of at least 2"),
        ("MACD(26, 12, 9) turns positive", "fast period must be shorter"),
        ("lower Bollinger(20, 0) above 3", "band width must be above 0"),
    ],
)
def test_a_bad_parameter_names_its_indicator(text: str, problem: str) -> None:
    with pytest.raises(InvalidAlertError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_conditions(text)


def test_too_long_or_too_many_parts_are_refused() -> None:
    with pytest.raises(RuleSyntaxError, match="longer than 500"):
        parse_conditions("price above 1 AND " * 40 + "price above 1")
    with pytest.raises(InvalidAlertError, match="at most 8 parts"):
        parse_conditions(" AND ".join(["price above 1"] * 9))
