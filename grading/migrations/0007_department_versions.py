"""Scheme versions per department (SPEC §3.6): a department scheme's versions belong to a department.
The data follows in 0008 and the constraints in 0009 (PostgreSQL alters no table with row changes
pending in the same transaction)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_password_change_required'),
        ('grading', '0006_grade_in_force'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='schemeversion',
            options={'ordering': ['scheme', 'department', '-number'], 'verbose_name': 'scheme version', 'verbose_name_plural': 'scheme versions'},
        ),
        migrations.RemoveConstraint(
            model_name='schemeversion',
            name='scheme_version_unique_number',
        ),
        migrations.RemoveConstraint(
            model_name='schemeversion',
            name='scheme_one_published_version',
        ),
        migrations.AddField(
            model_name='historicalschemeversion',
            name='department',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='For a department scheme: the department whose version this is.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department', verbose_name='department'),
        ),
        migrations.AddField(
            model_name='schemeversion',
            name='department',
            field=models.ForeignKey(blank=True, help_text='For a department scheme: the department whose version this is.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='department'),
        ),
    ]
