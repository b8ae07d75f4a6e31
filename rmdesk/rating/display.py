"""How a rating reads on screen: factor rows, what moved it, and what would lift it, in words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rmdesk.domain import rating as rules


def label(item) -> str:
    """The Chinese or English label of a factor, answer or measure, in the language in use."""
    return item.label_zh if (get_language() or "").startswith("zh") else item.label_en


def number(value: Decimal) -> str:
    """A decimal without trailing zeros, grouped in thousands: 40, 1.2, 10,000."""
    return f"{value.normalize():,f}"


def with_unit(value: Decimal | None, unit: str) -> str:
    """A factor's value with its unit: 46.61%, 79 months, 10,000 yuan; a dash when missing."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{number(value)}%"
    templates = {"days": _("%(value)s days"), "months": _("%(value)s months"), "yuan": _("%(value)s yuan")}
    return templates[unit] % {"value": number(value)} if unit in templates else number(value)


def bin_text(factor: rules.Factor, index: int | None) -> str:
    """The bin or answer at ``index`` in words: "< 40%", "40% – 60%", "≥ 80%", or the answer."""
    if index is None:
        return _("missing")
    if factor.source == rules.FactorSource.QUESTION:
        return label(factor.answers[index])
    chosen = factor.bins[index]
    if chosen.lower is None:
        return f"< {with_unit(chosen.upper, factor.unit)}"
    if chosen.upper is None:
        return f"≥ {with_unit(chosen.lower, factor.unit)}"
    return f"{with_unit(chosen.lower, factor.unit)} – < {with_unit(chosen.upper, factor.unit)}"


@dataclass(frozen=True)
class FactorRow:
    """One factor of a rating as its page shows it."""

    code: str
    label: str
    value: str
    bin: str
    points: int
    weight: Decimal
    weighted: Decimal
    lost_vs_best: Decimal
    change_vs_previous: Decimal | None
    actionable: bool


def factor_rows(card: rules.Scorecard, result: rules.RatingResult, previous: dict[str, Decimal] | None) -> list[FactorRow]:
    """Every factor of ``result`` in the order of what moved the rating most (``factor_movements``)."""
    scores = {s.code: s for s in result.factors}
    rows = []
    for move in rules.factor_movements(result.factors, previous):
        factor, score = card.factor(move.code), scores[move.code]
        if factor.source == rules.FactorSource.QUESTION:
            value = label(factor.answers[score.bin_index]) if score.bin_index is not None else _("not answered")
        else:
            value = with_unit(score.value, factor.unit)
        rows.append(
            FactorRow(
                move.code, label(factor), value, bin_text(factor, score.bin_index), score.points, factor.weight,
                move.weighted, move.lost_vs_best, move.change_vs_previous, factor.actionable,
            )
        )
    return rows


@dataclass(frozen=True)
class LiftText:
    """A way up one grade, in words: the grade it reaches, the score after, each change."""

    to_grade: str
    score_after: Decimal
    changes: list[str]


def lift_texts(card: rules.Scorecard, lifts: tuple[rules.GradeLift, ...]) -> list[LiftText]:
    """``grade_lift``'s suggestions as sentences the account manager can say to the customer."""
    texts = []
    for lift in lifts:
        changes = []
        for change in lift.changes:
            factor = card.factor(change.code)
            gained = number(change.points_gained)
            if change.direction == "answer":
                current = _("not answered") if change.current is None else label(next(a for a in factor.answers if a.code == change.current))
                target = label(next(a for a in factor.answers if a.code == change.target))
                changes.append(_("%(factor)s: from “%(current)s” to “%(target)s” (+%(points)s points)") % {
                    "factor": label(factor), "current": current, "target": target, "points": gained})
            elif change.direction == "provide":
                changes.append(_("%(factor)s: not known yet; a value of %(range)s gives +%(points)s points") % {
                    "factor": label(factor), "range": bin_text(factor, change.target_index), "points": gained})
            else:
                template = (
                    _("%(factor)s: from %(current)s to at least %(target)s (+%(points)s points)")
                    if change.direction == "at_least"
                    else _("%(factor)s: from %(current)s to below %(target)s (+%(points)s points)")
                )
                changes.append(template % {
                    "factor": label(factor), "current": with_unit(change.current, factor.unit),
                    "target": with_unit(change.target, factor.unit), "points": gained})
        texts.append(LiftText(lift.to_grade, lift.score_after, changes))
    return texts
