"""The column-wise rules give what the domain gives row by row: ratios, points, score, grade."""

import random
from decimal import Decimal

import polars as pl
import pytest

from rmdesk.domain import rating as rules
from rmdesk.domain.ratios import RATIO_PLACES, ratios_for, statement_ratios
from rmdesk.domain.statements import OPTIONAL_PARTS, StatementBasis, detail_codes, statement_lines
from rmdesk.rating.columns import (
    PREVIOUS,
    RATIO_DECIMALS,
    float_units,
    given_column,
    needed_lines,
    ratio_expressions,
    rescale_units,
    score_frame,
    subtotal_expressions,
)
from rmdesk.rating.defaults import BANDS, MASTER_SCALE_DEFAULTS, SCORECARDS


def _statement(rng: random.Random, basis: StatementBasis, *, with_optional: bool) -> dict[str, Decimal]:
    """Detail lines in yuan to the fen, some left out, some negative (losses, outflows)."""
    part_of = {line.code: line.part for line in statement_lines(basis)}
    lines = {}
    for code in detail_codes(basis):
        if part_of[code] in OPTIONAL_PARTS and not with_optional:
            continue
        roll = rng.random()
        if roll < 0.15:
            continue
        fen = rng.randint(0, 5_000_000_00) if roll > 0.2 else rng.choice([0, -rng.randint(1, 100_000_00)])
        lines[code] = Decimal(fen).scaleb(-2)
    return lines


def _row(basis, current, previous, months, debt_service, part_of):
    row = {"period_months": months, "annual_debt_service": None if debt_service is None else int(debt_service * 100)}
    for suffix, statement in (("", current), (PREVIOUS, previous)):
        for code in detail_codes(basis):
            row[f"{code}{suffix}"] = None if statement is None else int(statement.get(code, Decimal(0)) * 100)
        for part in OPTIONAL_PARTS:
            row[given_column(part, suffix)] = None if statement is None else any(part_of.get(c) == part for c in statement)
    return row


@pytest.mark.parametrize("basis", list(StatementBasis))
def test_ratio_columns_equal_statement_ratios_row_by_row(basis):
    rng = random.Random(4)
    part_of = {line.code: line.part for line in statement_lines(basis)}
    cases, rows = [], []
    for i in range(400):
        current = _statement(rng, basis, with_optional=i % 3 != 0)
        previous = _statement(rng, basis, with_optional=i % 2 == 0) if i % 5 else None
        months = rng.choice([12, 12, 6, 3])
        debt_service = None if i % 7 == 0 else Decimal(rng.randint(0, 2_000_000_00)).scaleb(-2)
        cases.append(statement_ratios(basis, current, previous, period_months=months, extra=None if debt_service is None else {"annual_debt_service": debt_service}))
        rows.append(_row(basis, current, previous, months, debt_service, part_of))
    frame = pl.DataFrame(rows, infer_schema_length=None)
    codes = [r.code for r in ratios_for(basis)]
    details = detail_codes(basis)
    frame = frame.with_columns(*subtotal_expressions(basis, details), *subtotal_expressions(basis, details, PREVIOUS))
    computed = frame.select(ratio_expressions(basis, codes)).to_dicts()
    mismatches = []
    for i, (expected, got) in enumerate(zip(cases, computed, strict=True)):
        for code in codes:
            value = None if got[code] is None else Decimal(got[code]).scaleb(-RATIO_DECIMALS)
            if value != expected[code]:
                mismatches.append((i, code, expected[code], value))
    assert mismatches == []
    assert any(v is not None for row in computed for v in row.values())


def test_the_lines_a_ratio_needs_include_every_line_of_its_subtotals():
    from rmdesk.domain.ratios import RATIOS_BY_CODE

    lines = needed_lines(StatementBasis.SMALL_ENTERPRISE, [RATIOS_BY_CODE["current_ratio"]])
    assert {"cash", "inventories", "short_term_borrowings", "other_current_liabilities"} <= lines
    assert "revenue" not in lines and "total_current_assets" not in lines


def test_rescaling_rounds_half_away_from_zero_like_decimal_half_up():
    frame = pl.DataFrame({"u": [652450, 652449, -652450, 5, None]}, schema={"u": pl.Int64})
    assert frame.select(rescale_units(pl.col("u"), 4, 2)).to_series().to_list() == [6525, 6524, -6525, 0, None]
    assert pl.DataFrame({"v": [2.5, -2.5, 0.125]}).select(float_units(pl.col("v"), 0)).to_series().to_list() == [3, -3, 0]


def _scale() -> rules.MasterScale:
    return rules.MasterScale(tuple(rules.GradePD(g, Decimal(p), Decimal(lo), Decimal(hi)) for g, p, lo, hi in MASTER_SCALE_DEFAULTS))


@pytest.mark.parametrize("card_data", SCORECARDS, ids=[c["code"] for c in SCORECARDS])
def test_points_score_and_grade_columns_equal_rate_row_by_row(card_data):
    card = rules.scorecard_from_data(code=card_data["code"], version=1, customer_kind=card_data["customer_kind"],
                                     label_zh="", label_en="", factors=card_data["factors"], bands=BANDS)
    scale = _scale()
    rng = random.Random(11)
    rows, expected = [], []
    for _ in range(500):
        row, values = {"days_past_due": rng.choice([0, 0, 0, 15, 91, 200])}, {}
        for factor in card.factors:
            if rng.random() < 0.15:
                row[factor.code] = None
            elif factor.source == rules.FactorSource.QUESTION:
                row[factor.code] = rng.choice(factor.answers).code
            else:
                edges = [b.lower for b in factor.bins if b.lower is not None]
                near = rng.choice(edges).scaleb(factor.decimals)
                row[factor.code] = int(near) + rng.choice([-1, 0, 0, 1, rng.randint(-10**6, 10**6)])
            held = row[factor.code]
            values[factor.code] = held if held is None or factor.source == rules.FactorSource.QUESTION else Decimal(held).scaleb(-factor.decimals)
        rows.append(row)
        expected.append(rules.rate(card, values, master_scale=scale, days_past_due=row["days_past_due"]))
    schema = {"days_past_due": pl.Int64, **{f.code: pl.String if f.source == rules.FactorSource.QUESTION else pl.Int64 for f in card.factors}}
    scored = score_frame(pl.DataFrame(rows, schema=schema), card, default_days_past_due=90, pds={g.grade: g.pd for g in scale.grades})
    for want, got in zip(expected, scored.to_dicts(), strict=True):
        assert Decimal(got["score_centi"]).scaleb(-2) == want.score
        assert (got["grade"], Decimal(got["pd"])) == (want.grade, want.pd)
        assert [got[f"{s.code}__points"] for s in want.factors] == [s.points for s in want.factors]
        assert [got[f"{s.code}__bin"] for s in want.factors] == [s.bin_index for s in want.factors]


def test_ratio_places_are_four():
    assert RATIO_PLACES == Decimal("0.0001") and RATIO_DECIMALS == 4
