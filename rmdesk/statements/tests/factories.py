"""Statements for the tests: a factory's two years and a farm household's year, as entered."""

from __future__ import annotations

import datetime
from decimal import Decimal

from rmdesk.domain.statements import MONTHS, inflow_code, outflow_code

D = Decimal

# Assets 2,000,000 = liabilities 1,200,000 + equity 800,000; revenue 3,000,000, net profit 285,000.
FACTORY_2025 = {
    "cash": D(200_000), "notes_receivable": D(50_000), "accounts_receivable": D(250_000), "inventories": D(400_000),
    "prepayments": D(100_000), "fixed_assets_cost": D(1_500_000), "accumulated_depreciation": D(500_000),
    "short_term_borrowings": D(300_000), "accounts_payable": D(200_000), "long_term_borrowings": D(700_000),
    "paid_in_capital": D(500_000), "retained_earnings": D(300_000),
    "revenue": D(3_000_000), "cost_of_sales": D(2_400_000), "administrative_expenses": D(240_000),
    "finance_expenses": D(60_000), "income_tax_expense": D(15_000),
    "cf_sales_receipts": D(2_900_000), "cf_purchases_paid": D(2_500_000), "cf_wages_paid": D(150_000),
    "cf_long_term_assets_paid": D(100_000), "cf_borrowings_repaid": D(80_000), "cf_interest_paid": D(60_000),
    "cash_begin": D(190_000),
}
# Assets 1,800,000 = 1,285,000 + 515,000; revenue 2,500,000, net profit 190,000; no cash-flow statement.
# Retained earnings 15,000 + 2025's net profit 285,000 = 2025's 300,000: equity moves with profit.
FACTORY_2024 = {
    "cash": D(190_000), "notes_receivable": D(30_000), "accounts_receivable": D(170_000), "inventories": D(400_000),
    "prepayments": D(10_000), "fixed_assets_cost": D(1_400_000), "accumulated_depreciation": D(400_000),
    "short_term_borrowings": D(300_000), "accounts_payable": D(100_000), "other_payables": D(185_000),
    "long_term_borrowings": D(700_000), "paid_in_capital": D(500_000), "retained_earnings": D(15_000),
    "revenue": D(2_500_000), "cost_of_sales": D(2_000_000), "administrative_expenses": D(240_000),
    "finance_expenses": D(60_000), "income_tax_expense": D(10_000),
}
END_2024 = datetime.date(2024, 12, 31)
END_2025 = datetime.date(2025, 12, 31)

# A rice farm: assets 400,000 = debts 100,000 + net worth 300,000; income 200,000, expenses 140,000.
FARM_2025 = {
    "cash_and_deposits": D(40_000), "farm_inventory": D(20_000), "machinery_and_equipment": D(60_000),
    "residential_property": D(280_000), "loans_this_bank": D(50_000), "loans_other_banks": D(20_000),
    "private_borrowings": D(30_000), "net_worth": D(300_000), "crop_income": D(150_000), "wage_income": D(30_000),
    "transfer_income": D(20_000), "production_costs": D(80_000), "living_expenses": D(50_000),
    "interest_expenses": D(6_000), "other_expenses": D(4_000),
    **{outflow_code(m): D(5_000) for m in MONTHS},
    outflow_code(4): D(45_000), outflow_code(5): D(45_000),
    **{inflow_code(m): D(5_000) for m in MONTHS},
    inflow_code(8): D(80_000), inflow_code(11): D(70_000),
}
