"""The ledger of one chunk of customers: transactions as columns, and the balances they make.

A transaction is a row of parallel arrays: holding (global index), day, amount in fen (> 0),
direction (credit = money in), purpose, channel and counterparty (index into the chunk's
counterparty table, -1 for none). Balances are integer cumulative sums per holding: for
deposits and wealth money in raises the balance, for what a customer owes (loans, cards,
bills, discounts) money out does. A holding opened before the window brings its balance in
on the day before it, so its series starts with that row.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from rmdesk.products.models import Channel, Purpose

PURPOSES = tuple(p.value for p in Purpose)
CHANNELS = tuple(c.value for c in Channel)
P = {p: i for i, p in enumerate(PURPOSES)}
"""Purpose code -> index, e.g. ``P["salary"]``."""
CH = {c: i for i, c in enumerate(CHANNELS)}
"""Channel code -> index, e.g. ``CH["mobile"]``."""
_SPAN = 512
"""Days from the carry day to the last day of the window fit in this many."""
_COLUMNS = ("holding", "day", "amount", "credit", "purpose", "channel", "cp")


class Ledger:
    """The transactions of a chunk, added stream by stream and read back as columns."""

    def __init__(self) -> None:
        self._parts: list[dict[str, np.ndarray]] = []
        self._columns: dict[str, np.ndarray] | None = None

    def add(self, holding, day, amount, credit, purpose, channel, cp) -> None:
        """Add transactions; scalars are repeated, rows with no money are dropped."""
        holding = np.asarray(holding, dtype=np.int64)
        n = len(holding)
        part = {
            "holding": holding,
            "day": np.asarray(day, dtype=np.int64),
            "amount": np.asarray(amount, dtype=np.int64),
            "credit": np.broadcast_to(np.asarray(credit, dtype=bool), n),
            "purpose": np.broadcast_to(np.asarray(purpose, dtype=np.int8), n),
            "channel": np.broadcast_to(np.asarray(channel, dtype=np.int8), n),
            "cp": np.broadcast_to(np.asarray(cp, dtype=np.int64), n),
        }
        keep = part["amount"] > 0
        self._parts.append({k: np.ascontiguousarray(v[keep]) for k, v in part.items()})
        self._columns = None

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """All transactions so far, as one array per column."""
        if self._columns is None:
            if not self._parts:
                return {k: np.zeros(0, dtype=np.int64) for k in _COLUMNS}
            self._columns = {k: np.concatenate([p[k] for p in self._parts]) for k in _COLUMNS}
            self._parts = [self._columns]
        return self._columns

    def keep(self, mask: np.ndarray) -> None:
        """Drop the transactions where ``mask`` is false."""
        self._parts = [{k: v[mask] for k, v in self.columns.items()}]
        self._columns = None

    def __len__(self) -> int:
        return len(self.columns["holding"])


class Balances:
    """End-of-day balances of a chunk's holdings on every day one changed (sparse).

    ``opening[h - first_holding]`` is brought in on ``carry_day`` for holdings with
    ``carried``; rows are sorted by (holding, day); a day whose transactions net to zero
    changes nothing and has no row, but the carry row is always there.
    """

    def __init__(self, ledger: Ledger, credit_like: np.ndarray, opening: np.ndarray, carried: np.ndarray, first_holding: int, carry_day: int) -> None:
        cols = ledger.columns
        local = cols["holding"] - first_holding
        sign = np.where(cols["credit"] != credit_like[local], 1, -1)
        carried_holdings = np.flatnonzero(carried)
        holding = np.concatenate([local, carried_holdings])
        offset = np.concatenate([cols["day"] - carry_day, np.zeros(len(carried_holdings), dtype=np.int64)])
        delta = np.concatenate([sign * cols["amount"], opening[carried_holdings]])
        key = holding * _SPAN + offset
        order = np.argsort(key, kind="stable")
        key, delta = key[order], delta[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
        sums = np.add.reduceat(delta, starts) if len(key) else np.zeros(0, dtype=np.int64)
        keys = key[starts]
        self.holding = keys // _SPAN
        self.day = keys % _SPAN + carry_day
        running = np.cumsum(sums)
        new_holding = np.r_[True, self.holding[1:] != self.holding[:-1]] if len(keys) else np.zeros(0, dtype=bool)
        # Cumulative sums restart at each holding: subtract what came before its first row.
        first_row = np.maximum.accumulate(np.where(new_holding, np.arange(len(keys)), 0))
        self.balance = running - (running[first_row] - sums[first_row])
        self.changed = (sums != 0) | (self.day == carry_day)
        self.first_holding = first_holding
        self.carry_day = carry_day
        self._keys = keys

    def at(self, holding: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Balance of each (global) holding at the end of each day (0 before its first row)."""
        local = np.asarray(holding, dtype=np.int64) - self.first_holding
        position = np.searchsorted(self._keys, local * _SPAN + (np.asarray(day) - self.carry_day), side="right") - 1
        found = (position >= 0) & (self.holding[np.maximum(position, 0)] == local)
        return np.where(found, self.balance[np.maximum(position, 0)], 0)

    def lowest(self, n_holdings: int) -> np.ndarray:
        """The lowest end-of-day balance of each holding of the chunk (0 if it has none)."""
        low = np.zeros(n_holdings, dtype=np.int64)
        np.minimum.at(low, self.holding, self.balance)
        return low

    def lowest_from(self, holding: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The lowest end-of-day balance of each holding from each day to the end of the window."""
        suffix_min = (
            pl.DataFrame({"h": self.holding, "b": self.balance}).select(pl.col("b").cum_min(reverse=True).over("h")).to_series().to_numpy()
        )
        local = np.asarray(holding, dtype=np.int64) - self.first_holding
        position = np.searchsorted(self._keys, local * _SPAN + (np.asarray(day) - self.carry_day), side="left")
        found = (position < len(self._keys)) & (self.holding[np.minimum(position, len(self._keys) - 1)] == local)
        later = np.where(found, suffix_min[np.minimum(position, len(self._keys) - 1)], np.iinfo(np.int64).max)
        return np.minimum(self.at(holding, day), later)

