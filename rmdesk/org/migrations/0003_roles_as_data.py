"""Roles become data: the shipped roles with their permissions and approval authority.

People's `role` column keeps the role code it held; it becomes a foreign key to Role.code.
"""

import django.db.models.deletion
from django.db import migrations, models

from rmdesk.org.defaults import install_default_roles

def create_default_roles(apps, schema_editor):
    install_default_roles(apps.get_model("org", "Role"), apps.get_model("org", "ApprovalAuthority"))


def blank_role_is_no_role(apps, schema_editor):
    apps.get_model("org", "User").objects.filter(role="").update(role=None)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_alter_user_role'),
    ]

    operations = [
        migrations.CreateModel(
            name='Role',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=24, unique=True, verbose_name='code')),
                ('name_zh', models.CharField(max_length=40, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(max_length=60, verbose_name='name (English)')),
                ('scope', models.CharField(choices=[('book', 'Their own book'), ('unit', 'Their org unit and below'), ('none', 'No customer data')], max_length=8, verbose_name='sees')),
                ('holds_book', models.BooleanField(default=False, verbose_name='holds a book of customers')),
                ('changes_customers', models.BooleanField(default=False, verbose_name='changes customer records')),
                ('hands_over_books', models.BooleanField(default=False, verbose_name='hands books over')),
                ('may_unmask', models.BooleanField(default=False, verbose_name='may see personal data in full (recorded)')),
                ('reads_audit', models.BooleanField(default=False, verbose_name='reads the audit trail')),
                ('requires_second_factor', models.BooleanField(default=False, verbose_name='signs in with a second factor')),
                ('administers', models.BooleanField(default=False, verbose_name='administers users and configuration')),
            ],
            options={
                'verbose_name': 'role',
                'verbose_name_plural': 'roles',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='ApprovalAuthority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('product_family', models.CharField(blank=True, choices=[('deposit', 'Deposit'), ('loan', 'Loan'), ('acceptance_bill', 'Bank acceptance bill'), ('bill_discount', 'Bill discount'), ('credit_card', 'Credit card'), ('payroll_agency', 'Payroll agency'), ('wealth', 'Wealth product'), ('settlement', 'Settlement and POS'), ('e_banking', 'E-banking'), ('insurance_agency', 'Insurance agency')], help_text='Empty: every product family.', max_length=20, verbose_name='product family')),
                ('max_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='largest amount (yuan)')),
                ('worst_grade', models.CharField(choices=[('AAA', 'AAA'), ('AA', 'AA'), ('A', 'A'), ('BBB', 'BBB'), ('BB', 'BB'), ('B', 'B'), ('CCC', 'CCC'), ('CC', 'CC'), ('C', 'C'), ('D', 'D')], max_length=3, verbose_name='worst grade')),
                ('role', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorities', to='org.role', verbose_name='role')),
            ],
            options={
                'verbose_name': 'approval authority',
                'verbose_name_plural': 'approval authorities',
                'constraints': [models.CheckConstraint(condition=models.Q(('max_amount__gt', 0)), name='authority_amount_positive')],
            },
        ),
        migrations.RunPython(create_default_roles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(blank=True, max_length=24, null=True, verbose_name="role"),
        ),
        migrations.RunPython(blank_role_is_no_role, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.ForeignKey(blank=True, db_column='role', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='people', to='org.role', to_field='code', verbose_name='role'),
        ),
    ]
