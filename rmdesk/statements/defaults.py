"""Industry benchmarks rmdesk ships with, until the bank sets its own (IndustryBenchmark).

Illustrative quartiles for the small enterprises and farm households of a county, in the units
of each ratio (rmdesk.domain.ratios): percent for percentages, days for days, times otherwise.
They give the comparison a sensible starting point; a bank replaces them in the administration
site with its chosen source (the enterprise performance standard values, 企业绩效评价标准值, for
its industries and sizes, or the quartiles of its own borrowers).
"""

DEFAULT_SOURCE = "rmdesk defaults (illustrative; replace with the bank's source)"

# (ratio, basis, industry ("" = all industries), lower quartile, median, upper quartile)
DEFAULT_BENCHMARKS: list[tuple[str, str, str, str, str, str]] = [
    ("current_ratio", "small_enterprise", "", "1.0", "1.4", "2.0"),
    ("quick_ratio", "small_enterprise", "", "0.6", "0.9", "1.3"),
    ("cash_ratio", "small_enterprise", "", "0.1", "0.25", "0.5"),
    ("operating_cash_flow_ratio", "small_enterprise", "", "0.05", "0.15", "0.3"),
    ("debt_to_assets", "small_enterprise", "", "40", "55", "68"),
    ("debt_to_equity", "small_enterprise", "", "0.7", "1.2", "2.1"),
    ("interest_coverage", "small_enterprise", "", "2", "4", "8"),
    ("debt_service_coverage", "small_enterprise", "", "1.1", "1.5", "2.5"),
    ("cash_flow_debt_service_coverage", "small_enterprise", "", "0.8", "1.3", "2.0"),
    ("receivable_days", "small_enterprise", "", "30", "60", "100"),
    ("inventory_days", "small_enterprise", "", "40", "80", "140"),
    ("total_asset_turnover", "small_enterprise", "", "0.6", "1.0", "1.6"),
    ("gross_margin", "small_enterprise", "", "12", "20", "30"),
    ("net_margin", "small_enterprise", "", "2", "5", "9"),
    ("return_on_assets", "small_enterprise", "", "2", "5", "9"),
    ("return_on_equity", "small_enterprise", "", "5", "11", "18"),
    ("revenue_growth", "small_enterprise", "", "-3", "5", "15"),
    ("net_profit_growth", "small_enterprise", "", "-15", "5", "25"),
    ("total_assets_growth", "small_enterprise", "", "-2", "5", "12"),
    # Manufacturing holds more stock and earns thinner margins than the average small firm.
    ("inventory_days", "small_enterprise", "C", "60", "100", "160"),
    ("gross_margin", "small_enterprise", "C", "12", "18", "26"),
    # Trade turns its stock and assets fast on thin margins, and is paid quickly.
    ("gross_margin", "small_enterprise", "F", "8", "14", "22"),
    ("inventory_days", "small_enterprise", "F", "25", "50", "90"),
    ("receivable_days", "small_enterprise", "F", "15", "35", "70"),
    ("total_asset_turnover", "small_enterprise", "F", "1.2", "2.0", "3.0"),
    # Construction waits long for its money and borrows more.
    ("receivable_days", "small_enterprise", "E", "90", "150", "240"),
    ("debt_to_assets", "small_enterprise", "E", "55", "67", "78"),
    # Catering sells for cash at high gross margins.
    ("gross_margin", "small_enterprise", "H", "35", "50", "60"),
    ("receivable_days", "small_enterprise", "H", "3", "10", "25"),
    ("cash_to_debt_service", "household", "", "0.2", "0.6", "1.2"),
    ("debt_to_assets", "household", "", "10", "25", "40"),
    ("debt_to_net_worth", "household", "", "0.1", "0.3", "0.7"),
    ("private_borrowing_share", "household", "", "0", "10", "30"),
    ("household_debt_service_coverage", "household", "", "1.2", "2.0", "3.5"),
    ("net_income_margin", "household", "", "20", "35", "50"),
    ("living_expenses_to_income", "household", "", "20", "35", "55"),
    ("total_assets_growth", "household", "", "-2", "5", "12"),
    ("income_growth", "household", "", "-5", "5", "15"),
]


def install_default_benchmarks(benchmark_model) -> None:
    """Create the shipped benchmarks where the bank has none for that ratio, basis and industry.

    Takes the model class so that a migration can pass its historical model; a benchmark the
    bank has set is left as it is.
    """
    for ratio, basis, industry, lower, median, upper in DEFAULT_BENCHMARKS:
        benchmark_model.objects.get_or_create(
            ratio=ratio,
            basis=basis,
            industry=industry,
            defaults={"lower_quartile": lower, "median": median, "upper_quartile": upper, "source": DEFAULT_SOURCE},
        )
