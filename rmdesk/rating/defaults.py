"""The rating policy rmdesk ships with: master scale, expert scorecards per customer kind, policy.

Installed by migration rating 0002 and kept as plain data here so that a bank (or a test that
emptied its tables) can put the defaults back; after that, they are the bank's to change on the
administration site. Scorecards are data in the form ``rmdesk.domain.rating.scorecard_from_data``
reads: percentages are written as percent (65 for 65%), as ``rmdesk.domain.ratios`` gives them.

Sources of the defaults: the factors a Chinese rural commercial bank's credit rating manual
(客户信用等级评定办法) uses for each kind of borrower, with the usual thresholds of credit
analysis (资产负债率 under 60%, 流动比率 above 1.5, 偿债覆盖率 above 1.2 ...); the village
committee's assessment is the 信用户/信用村 practice of farm lending. The PD bands follow the
shape of long-run one-year default rates by grade, set higher than rating agencies' for a
county bank's small borrowers. Calibrate both on the bank's own history (issue 4 point 6).
"""

from __future__ import annotations

MASTER_SCALE_DEFAULTS: tuple[tuple[str, str, str, str], ...] = (
    # grade, central PD, PD band from (inclusive), to (exclusive)
    ("AAA", "0.0003", "0", "0.0005"),
    ("AA", "0.0007", "0.0005", "0.0010"),
    ("A", "0.0017", "0.0010", "0.0025"),
    ("BBB", "0.0045", "0.0025", "0.0075"),
    ("BB", "0.0120", "0.0075", "0.0200"),
    ("B", "0.0320", "0.0200", "0.0500"),
    ("CCC", "0.0800", "0.0500", "0.1200"),
    ("CC", "0.1800", "0.1200", "0.2500"),
    ("C", "0.3500", "0.2500", "1"),
    ("D", "1", "1", "1"),
)

BANDS: dict[str, str] = {"AAA": "90", "AA": "82", "A": "74", "BBB": "66", "BB": "58", "B": "50", "CCC": "40", "CC": "30", "C": "0"}
"""Lowest score of each grade, the same for every default scorecard."""


def _bins(points_and_edges: list) -> list[dict]:
    """[p0, e1, p1, e2, p2 ...] -> bins cut at the edges e, with the points p between them."""
    points, edges = points_and_edges[0::2], [None, *points_and_edges[1::2], None]
    return [
        {k: v for k, v in (("lower", edges[i]), ("upper", edges[i + 1]), ("points", p)) if v is not None}
        for i, p in enumerate(points)
    ]


def _ratio(code, zh, en, weight, missing, actionable, cuts, unit):
    return {"code": code, "label_zh": zh, "label_en": en, "source": "ratio", "weight": weight, "missing_points": missing,
            "actionable": actionable, "unit": unit, "decimals": 2, "bins": _bins(cuts)}


def _measure(code, zh, en, weight, missing, actionable, cuts, decimals=0):
    return {"code": code, "label_zh": zh, "label_en": en, "source": "measure", "weight": weight, "missing_points": missing,
            "actionable": actionable, "decimals": decimals, "bins": _bins(cuts)}


def _question(code, zh, en, weight, missing, actionable, answers):
    return {"code": code, "label_zh": zh, "label_en": en, "source": "question", "weight": weight, "missing_points": missing,
            "actionable": actionable,
            "answers": [{"code": a, "label_zh": z, "label_en": e, "points": p} for a, z, e, p in answers]}


_ARREARS = ("max_days_past_due_12m", "近12个月最长逾期天数", "Longest days past due in 12 months")
_MONTHS = ("months_with_bank", "在本行开户月数", "Months with the bank")
_WALLET = ("share_of_wallet", "本行结算占比", "Share of wallet at this bank")
_TREND = ("deposit_inflow_trend", "账户流入变化", "Change in account inflows")
_PRODUCTS = ("products_held", "持有本行产品种类", "Product families held at this bank")

# Points by days past due: none 100, up to 30 days 50, up to 60 days 20, more 0.
ARREARS_CUTS = [100, "1", 50, "31", 20, "61", 0]
MONTHS_CUTS = [30, "12", 60, "36", 80, "60", 100]
WALLET_CUTS = [10, "10", 40, "30", 65, "50", 85, "70", 100]
TREND_CUTS = [0, "-30", 40, "-10", 70, "10", 100]
PRODUCTS_CUTS = [20, "2", 60, "4", 100]

ENTERPRISE = [
    _ratio("debt_to_assets", "资产负债率", "Debt to assets", "0.150", 20, True, [100, "40", 80, "55", 60, "65", 35, "75", 15, "85", 0], "percent"),
    _ratio("current_ratio", "流动比率", "Current ratio", "0.100", 20, True, [0, "0.8", 30, "1", 55, "1.2", 75, "1.5", 90, "2", 100], "ratio"),
    # Missing: no statement, or no debt scheduled at this bank to cover.
    _ratio("debt_service_coverage", "偿债覆盖率", "Debt-service coverage", "0.100", 40, True, [0, "1", 35, "1.2", 60, "1.5", 85, "2.5", 100], "ratio"),
    _ratio("net_margin", "销售净利率", "Net margin", "0.100", 20, True, [0, "0", 40, "2", 65, "5", 85, "10", 100], "percent"),
    _ratio("revenue_growth", "营业收入增长率", "Revenue growth", "0.050", 40, False, [0, "-20", 30, "-5", 60, "5", 85, "20", 100], "percent"),
    _ratio("receivable_days", "应收账款周转天数", "Receivable days", "0.050", 30, True, [100, "30", 85, "60", 65, "90", 35, "180", 0], "days"),
    _measure(*_WALLET, "0.100", 20, True, WALLET_CUTS, decimals=2),
    _measure(*_TREND, "0.050", 40, True, TREND_CUTS, decimals=2),
    _measure(*_ARREARS, "0.100", 100, False, ARREARS_CUTS),
    _measure(*_MONTHS, "0.050", 30, False, MONTHS_CUTS),
    _question("management_experience", "主要经营者从业年限", "Years the principal has run this trade", "0.050", 50, False,
              [("over_10", "10年以上", "Over 10 years", 100), ("5_to_10", "5至10年", "5 to 10 years", 70), ("under_5", "5年以下", "Under 5 years", 30)]),
    _question("industry_outlook", "行业前景", "Outlook of the industry", "0.050", 50, False,
              [("favourable", "向好", "Favourable", 100), ("stable", "平稳", "Stable", 65), ("declining", "下行", "Declining", 20)]),
    _question("guarantees_given", "对外担保情况", "Guarantees given to others", "0.050", 50, True,
              [("none", "无对外担保", "None", 100), ("moderate", "对外担保不超过净资产一半", "Up to half of net worth", 60),
               ("heavy", "对外担保超过净资产一半或处于担保圈", "More than half of net worth, or in a guarantee circle", 10)]),
]

SOLE_PROPRIETOR = [
    _ratio("debt_to_assets", "资产负债率", "Debt to assets", "0.150", 20, True, [100, "20", 85, "35", 65, "50", 35, "70", 0], "percent"),
    _ratio("household_debt_service_coverage", "家庭纯收入还款覆盖率", "Net income to a year's debt service", "0.150", 30, True,
           [0, "1", 40, "1.5", 65, "2", 85, "3", 100], "ratio"),
    _ratio("private_borrowing_share", "民间借款占负债比重", "Private borrowings in total debt", "0.050", 50, True, [100, "10", 60, "30", 30, "50", 0], "percent"),
    _measure(*_WALLET, "0.150", 20, True, WALLET_CUTS, decimals=2),
    _measure(*_TREND, "0.100", 40, True, TREND_CUTS, decimals=2),
    _measure(*_ARREARS, "0.150", 100, False, ARREARS_CUTS),
    _measure(*_MONTHS, "0.050", 30, False, MONTHS_CUTS),
    _measure(*_PRODUCTS, "0.050", 20, True, PRODUCTS_CUTS),
    _question("business_premises", "经营场所", "Business premises", "0.100", 50, False,
              [("owned", "自有", "Owned", 100), ("long_lease", "租期三年以上", "Leased for 3 years or more", 70), ("short_lease", "短期租用或无固定场所", "Short lease or none", 30)]),
    _question("years_in_business", "经营年限", "Years in business", "0.050", 50, False,
              [("over_10", "10年以上", "Over 10 years", 100), ("3_to_10", "3至10年", "3 to 10 years", 70), ("under_3", "3年以下", "Under 3 years", 30)]),
]

FARMER_HOUSEHOLD = [
    _ratio("debt_to_assets", "资产负债率", "Debt to assets", "0.100", 20, True, [100, "20", 85, "35", 65, "50", 35, "70", 0], "percent"),
    _ratio("household_debt_service_coverage", "家庭纯收入还款覆盖率", "Net income to a year's debt service", "0.150", 30, True,
           [0, "1", 40, "1.5", 65, "2", 85, "3", 100], "ratio"),
    _ratio("living_expenses_to_income", "生活支出占收入比重", "Living expenses to total income", "0.050", 40, True, [100, "30", 70, "50", 40, "70", 10], "percent"),
    _measure(*_WALLET, "0.100", 20, True, WALLET_CUTS, decimals=2),
    _measure(*_TREND, "0.050", 40, True, TREND_CUTS, decimals=2),
    _measure(*_ARREARS, "0.150", 100, False, ARREARS_CUTS),
    _measure(*_MONTHS, "0.050", 30, False, MONTHS_CUTS),
    _measure(*_PRODUCTS, "0.100", 20, True, PRODUCTS_CUTS),
    _question("village_assessment", "村委评议（信用户评定）", "Village committee's assessment (credit household)", "0.150", 40, False,
              [("credit_household", "已评为信用户", "Certified credit household", 100), ("good_standing", "评议良好", "Good standing", 70),
               ("not_assessed", "未参加评议", "Not assessed", 40), ("poor_standing", "评议较差", "Poor standing", 0)]),
    _question("farm_insurance", "农业保险", "Farm insurance", "0.050", 40, True,
              [("insured", "主要种养品种均已投保", "Main crops and animals insured", 100), ("partly", "部分投保", "Partly insured", 60),
               ("not_insured", "未投保", "Not insured", 20)]),
    _question("income_sources", "收入来源", "Sources of income", "0.050", 50, False,
              [("several", "多种来源", "Several sources", 100), ("farm_and_wages", "农业为主兼有务工收入", "Farming with wages", 70),
               ("single", "单一种养品种", "A single crop or animal", 30)]),
]

INDIVIDUAL = [
    _measure("monthly_salary_inflow", "月均工资流入", "Monthly salary received here", "0.200", 10, True, [20, "3000", 50, "6000", 75, "10000", 100], decimals=2),
    _measure("deposit_balance", "存款余额", "Deposits at this bank", "0.150", 20, True, [20, "10000", 50, "50000", 80, "200000", 100], decimals=2),
    _measure(*_ARREARS, "0.200", 100, False, ARREARS_CUTS),
    _measure(*_MONTHS, "0.100", 30, False, MONTHS_CUTS),
    _measure(*_PRODUCTS, "0.100", 20, True, PRODUCTS_CUTS),
    _question("employment", "职业稳定性", "Employment", "0.150", 50, False,
              [("public_sector", "机关事业单位", "Public sector", 100), ("large_employer", "大中型企业", "Large employer", 80),
               ("small_employer", "小微企业或个体经营", "Small employer or self-employed", 55), ("unstable", "无固定工作", "No steady work", 15)]),
    _question("housing", "住房情况", "Housing", "0.100", 50, False,
              [("owned", "自有住房无贷款", "Own home, no mortgage", 100), ("mortgage", "按揭购房", "Own home with a mortgage", 75),
               ("renting", "租房或与家人同住", "Renting or living with family", 45)]),
]

SCORECARDS: tuple[dict, ...] = (
    {"code": "enterprise", "customer_kind": "enterprise", "name_zh": "企业客户信用评级", "name_en": "Enterprise rating", "factors": ENTERPRISE},
    {"code": "sole_proprietor", "customer_kind": "sole_proprietor", "name_zh": "个体工商户信用评级", "name_en": "Sole proprietor rating", "factors": SOLE_PROPRIETOR},
    {"code": "farmer_household", "customer_kind": "farmer_household", "name_zh": "农户信用评级", "name_en": "Farmer household rating", "factors": FARMER_HOUSEHOLD},
    {"code": "individual", "customer_kind": "individual", "name_zh": "个人客户信用评级", "name_en": "Individual rating", "factors": INDIVIDUAL},
)
"""The expert scorecard of each customer kind (version 1)."""

POLICY: dict = {
    "validity_months": 12,
    "renewal_window_days": 30,
    "default_days_past_due": 90,
    "statement_max_age_months": 36,
    "also_rated_kinds": ["enterprise"],
    "override_approvers": {"team_leader": 1, "credit_approver": 3},
}
"""Ratings are valid a year and re-done 30 days before they lapse; over 90 days past due is
default; statements older than 36 months are not used; borrowers and every enterprise are rated;
a team leader approves overrides of one notch, a credit approver of up to three."""


def install_rating_defaults(scorecard_model, grade_model, policy_model) -> None:
    """Create the shipped master scale, scorecards and policy where the bank has none yet.

    Takes the model classes so that a migration can pass its historical models; what the bank
    already configured is left as it is.
    """
    for grade, pd, lower, upper in MASTER_SCALE_DEFAULTS:
        grade_model.objects.get_or_create(grade=grade, defaults={"pd": pd, "pd_lower": lower, "pd_upper": upper})
    for card in SCORECARDS:
        if not scorecard_model.objects.filter(customer_kind=card["customer_kind"]).exists():
            scorecard_model.objects.create(version=1, bands=BANDS, in_force=True, **card)
    if not policy_model.objects.exists():
        policy_model.objects.create(**POLICY)
