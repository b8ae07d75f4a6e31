"""Amounts as Chinese banks print them: groups of three digits separated by commas (97,000.50).

Django's own zh-Hans formats leave thousands ungrouped; the dates it gives (2026年3月1日) stay.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
