"""The roles rmdesk ships with, their permissions and approval authority (DESIGN.md section 1).

Installed by migration org 0003 and kept as plain data here so that a bank (or a test that
emptied its tables) can put the defaults back; after that, roles are the bank's to change.
"""

from decimal import Decimal

# code, Chinese, English, scope, holds_book, changes_customers, hands_over_books, may_unmask,
# reads_audit, requires_second_factor, administers, maintains_related_parties
DEFAULT_ROLES = [
    ("account_manager", "客户经理", "Account manager", "book", True, True, False, True, False, False, False, False),
    ("team_leader", "团队负责人", "Team leader", "unit", False, True, True, True, False, False, False, False),
    ("credit_approver", "授信审批人", "Credit approver", "unit", False, False, False, True, False, True, False, False),
    ("risk_officer", "风险经理", "Risk officer", "unit", False, False, False, True, True, False, False, False),
    ("compliance_officer", "合规经理", "Compliance officer", "unit", False, False, False, True, True, False, False, True),
    ("head_office", "总行管理", "Head office", "unit", False, False, False, False, False, False, False, False),
    ("administrator", "系统管理员", "Administrator", "none", False, False, False, False, False, True, True, False),
]
FLAGS = (
    "holds_book", "changes_customers", "hands_over_books", "may_unmask", "reads_audit", "requires_second_factor", "administers",
    "maintains_related_parties",
)

# role, product family ("" = every family), largest amount in yuan, worst grade: bank policy defaults.
DEFAULT_AUTHORITY = [
    ("team_leader", "loan", "500000", "BBB"),
    ("team_leader", "credit_card", "100000", "BBB"),
    ("credit_approver", "", "5000000", "BB"),
    ("head_office", "", "50000000", "B"),
]


def install_default_roles(role_model, authority_model) -> None:
    """Create the shipped roles and their authority where a role of that code does not exist yet.

    Takes the model classes so that a migration can pass its historical models; a role the bank
    already has, under a shipped code, is left as the bank configured it.
    """
    # A migration's historical model has only the flags of its time; later ones are added by theirs.
    known = {field.name for field in role_model._meta.get_fields()}
    for code, name_zh, name_en, scope, *flags in DEFAULT_ROLES:
        granted = {flag: value for flag, value in zip(FLAGS, flags) if flag in known}
        role, created = role_model.objects.get_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en, "scope": scope, **granted})
        if created:
            for role_code, family, amount, grade in DEFAULT_AUTHORITY:
                if role_code == code:
                    authority_model.objects.create(role=role, product_family=family, max_amount=Decimal(amount), worst_grade=grade)
