"""Shared machinery of the generator: random streams, days and months, integer money draws.

Days are ``int64`` counts of days since 1970-01-01 (numpy's ``datetime64[D]`` epoch), so date
arithmetic over millions of rows is integer arithmetic. Money is ``int64`` fen; the only
floating point is in the random draws of shapes (weights, factors), which become integers
before they touch money: an amount is always ``total * integer weight // integer sum``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl

_PARTS = {
    "org": 1,
    "customers": 2,
    "people": 3,
    "links": 4,
    "holdings": 5,
    "loans": 6,
    "flows": 7,
    "ledger": 8,
    "desk": 9,
    "statements": 10,
    "truth": 11,
    "pool": 12,
    "book": 13,
}

EPOCH = datetime.date(1970, 1, 1)
MONDAY_OFFSET = 3
"""1970-01-01 was a Thursday: ``(day + 3) % 7`` is 0 on Mondays and 5, 6 at weekends."""


def rng_for(seed: int, part: str, chunk: int = 0) -> np.random.Generator:
    """The random stream of one part of the bank (and one chunk of customers).

    Each part draws from its own stream derived from the seed, so adding a draw to one part
    never shifts the numbers of another; chunks of the flows get their own streams so that a
    chunk can be generated without generating those before it.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, _PARTS[part], chunk]))


def day_of(d: datetime.date) -> int:
    """The day number of a date (days since 1970-01-01)."""
    return (d - EPOCH).days


def date_of(day: int) -> datetime.date:
    """The date of a day number."""
    return EPOCH + datetime.timedelta(days=int(day))


def as_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``datetime64[D]``, which polars reads as a Date column."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day of month of day numbers."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    month_index = months.astype(np.int64)
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return month_index // 12 + 1970, month_index % 12 + 1, day


def month_start(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Day number of the first day of each (year, month)."""
    index = (np.asarray(year, dtype=np.int64) - 1970) * 12 + np.asarray(month, dtype=np.int64) - 1
    return index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_length(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days in each (year, month)."""
    return month_start(year, np.asarray(month) + 1) - month_start(year, month)


def add_months(days: np.ndarray, months: np.ndarray | int, anchor_day: np.ndarray | None = None) -> np.ndarray:
    """Column-wise ``rmdesk.domain.amortisation.add_months``: same day of month, clamped to its end.

    The day of month is ``anchor_day`` (default: the day of ``days``), clamped to the last day of
    the target month, exactly as the domain rule does for one date.
    """
    year, month, day = ymd(days)
    if anchor_day is not None:
        day = np.asarray(anchor_day, dtype=np.int64)
    index = (year - 1970) * 12 + month - 1 + np.asarray(months, dtype=np.int64)
    target_year, target_month = index // 12 + 1970, index % 12 + 1
    start = month_start(target_year, target_month)
    return start + np.minimum(day, month_length(target_year, target_month)) - 1


def weekday(days: np.ndarray) -> np.ndarray:
    """0 for Monday ... 6 for Sunday."""
    return (np.asarray(days, dtype=np.int64) + MONDAY_OFFSET) % 7


@dataclass(frozen=True)
class Window:
    """The 12 months of flows: from the day after ``as_of`` a year earlier up to ``as_of``.

    ``carry`` is the day before the window, the day on which holdings opened earlier carry
    their balance in (the balance brought forward of a statement).
    """

    as_of: datetime.date

    @property
    def start(self) -> datetime.date:
        """First day of the 12 months."""
        return date_of(add_months(np.array([day_of(self.as_of)]), -12)[0] + 1)

    @property
    def first(self) -> int:
        """Day number of the first day of the window."""
        return day_of(self.start)

    @property
    def last(self) -> int:
        """Day number of ``as_of``, the last day of the window."""
        return day_of(self.as_of)

    @property
    def carry(self) -> int:
        """Day number of the day before the window."""
        return self.first - 1

    def month_starts(self) -> np.ndarray:
        """First days of the 13 calendar months that the window touches, in order."""
        year, month, _ = ymd(np.array([self.first]))
        return month_start(np.full(13, year[0]), month[0] + np.arange(13))


def repeat_owners(counts: np.ndarray) -> np.ndarray:
    """Owner index of each event when owner i has ``counts[i]`` events (sorted by owner)."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), np.asarray(counts, dtype=np.int64))


def group_sum(owners: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Integer sum of ``values`` per owner, exactly (no float accumulation)."""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, owners, np.asarray(values, dtype=np.int64))
    return out


def integer_weights(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    """Positive integer weights with a lognormal spread: the shape of a set of amounts."""
    return np.maximum(1, np.rint(rng.lognormal(0.0, sigma, n) * 1000)).astype(np.int64)


def split_totals(rng: np.random.Generator, owners: np.ndarray, totals: np.ndarray, sigma: float) -> np.ndarray:
    """Amounts in fen of events owned by ``owners`` that add up to each owner's total.

    Each owner's ``totals[owner]`` (fen) is divided among its events in proportion to random
    integer weights, in integer arithmetic; the division floors, so the amounts add up to the
    total less a few fen, and every amount is at least 1 yuan.
    """
    weights = integer_weights(rng, len(owners), sigma)
    per_owner = group_sum(owners, weights, len(totals))
    amounts = np.asarray(totals, dtype=np.int64)[owners] * weights // np.maximum(per_owner[owners], 1)
    return np.maximum(amounts, 100)


def lognormal_yuan(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int, step: int = 1) -> np.ndarray:
    """Amounts in fen drawn around ``median`` yuan, rounded to ``step`` yuan (at least one step)."""
    yuan = np.rint(np.asarray(median) * rng.lognormal(0.0, sigma, n) / step) * step
    return np.maximum(yuan, step).astype(np.int64) * 100


def pick(values: tuple[str, ...] | list[str], index: np.ndarray) -> pl.Series:
    """The strings of ``values`` at ``index``, as a polars string column."""
    return pl.Series(values=list(values), dtype=pl.Utf8).gather(np.asarray(index, dtype=np.int64))


def choose(rng: np.random.Generator, weights: tuple[float, ...] | np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with the given relative weights."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def ascii_strings(codes: np.ndarray) -> np.ndarray:
    """Rows of ASCII codes (``uint8``, one row per string) as fixed-width strings."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    return codes.view(f"S{codes.shape[1]}").ravel().astype(str)


def digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """The decimal digits of non-negative integers, left-padded to ``width`` (one row each)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(numbers, dtype=np.int64)[:, None] // powers) % 10


def fill_days(lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A day between ``lo`` and ``hi`` inclusive for each uniform draw ``u`` in [0, 1)."""
    return lo + np.floor(u * (hi - lo + 1)).astype(np.int64)
