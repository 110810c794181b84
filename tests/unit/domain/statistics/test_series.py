from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.statistics import EquityPoint, check_series, utc_day
from tests.unit.domain.statistics.factories import DAY0, series


def test_point_parses_numbers_and_defaults_to_no_flow() -> None:
    point = EquityPoint(DAY0, "100.5")  # type: ignore[arg-type]
    assert point.equity == Decimal("100.5")
    assert point.net_flow == 0


@pytest.mark.parametrize(
    ("day", "equity", "flow", "message"),
    [
        (DAY0, "-1", "0", "must not be negative"),
        (datetime(2024, 1, 1, tzinfo=UTC), "1", "0", "datetime.date"),
        ("2024-01-01", "1", "0", "datetime.date"),
        (DAY0, "1", "NaN", "finite"),
    ],
)
def test_point_refuses_bad_values(day: object, equity: str, flow: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        EquityPoint(day, Decimal(equity), Decimal(flow))  # type: ignore[arg-type]


def test_point_refuses_float_equity() -> None:
    with pytest.raises(InvalidValueError, match="floats"):
        EquityPoint(DAY0, 1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("offsets", [(0, 0), (1, 0), (0, 2, 1)])
def test_series_days_must_strictly_increase(offsets: tuple[int, ...]) -> None:
    points = series(*((offset, "1", "0") for offset in offsets))
    with pytest.raises(InvalidValueError, match="strictly increasing"):
        check_series(points)


def test_series_with_gaps_is_valid() -> None:
    check_series(series((0, "1", "1"), (5, "1", "0")))


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2024, 1, 1, 23, 30), date(2024, 1, 1)),  # naive = UTC
        (datetime(2024, 1, 1, 23, 30, tzinfo=UTC), date(2024, 1, 1)),
        # 01:00 at UTC+2 is 23:00 UTC the day before
        (datetime(2024, 1, 2, 1, 0, tzinfo=timezone(timedelta(hours=2))), date(2024, 1, 1)),
    ],
)
def test_utc_day(moment: datetime, day: date) -> None:
    assert utc_day(moment) == day
