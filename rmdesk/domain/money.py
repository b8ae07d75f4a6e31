"""Money: ``Decimal`` amounts in yuan, to the fen, rounded half-up.

Amounts are held in yuan (元) with two decimal places, the fen (分) being the smallest unit,
and rounded half-up (四舍五入) to the fen, as on Chinese bank statements and loan contracts.
Floats are never money: binary floating point cannot hold 0.1 yuan exactly, so a float is
refused rather than silently converted.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
"""One fen (分), the smallest amount of money: 0.01 yuan."""


def yuan(value: int | str | Decimal) -> Decimal:
    """Return ``value`` as a ``Decimal`` amount in yuan, rounded half-up to the fen.

    Accepts an ``int``, a ``str`` such as ``"1234.56"`` or a ``Decimal``. Refuses a ``float``
    (and a ``bool``) with ``TypeError``, because floats are never money, and refuses text
    that is not a finite number with ``ValueError``. Rule: amounts in yuan to the fen,
    half-up rounding, as on Chinese bank statements (bank policy default).
    """
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise TypeError(
            f"money must be an int, str or Decimal amount in yuan, not {type(value).__name__}"
        )
    if isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount of money") from None
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    return round_yuan(amount)


def round_yuan(d: Decimal) -> Decimal:
    """Round a ``Decimal`` amount in yuan half-up to the fen (0.005 -> 0.01, -0.005 -> -0.01).

    Rule: amounts in yuan to the fen, half-up rounding (四舍五入), as on Chinese bank
    statements (bank policy default).
    """
    return d.quantize(CENT, rounding=ROUND_HALF_UP)
