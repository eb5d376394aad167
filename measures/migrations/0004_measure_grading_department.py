"""A department scheme's measures follow the grade of the department they belong to (SPEC §3.6): the
housing bureau's (000 Art. 9–11) its own grade, the development & reform bureau's (001 Art. 11–13)
its own. Each catalogue measure of a department scheme names its grading department: the one
department implementing it, or the scheme's owner. Literal data: no app imports."""

import django.db.models.deletion
from django.db import migrations, models


def grading_departments(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    for measure in Measure.objects.filter(scheme__owner__isnull=False).select_related("scheme"):
        implementing = list(measure.departments.all())
        measure.grade_department = implementing[0] if len(implementing) == 1 else measure.scheme.owner
        measure.save(update_fields=["grade_department"])


class Migration(migrations.Migration):

    dependencies = [
        ('grading', '0009_department_version_constraints'),
        ('accounts', '0004_user_password_change_required'),
        ('measures', '0003_measures_catalogue_reference_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmeasure',
            name='grade_department',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='For a department scheme: the department whose grade brings this measure.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department', verbose_name='grading department'),
        ),
        migrations.AddField(
            model_name='measure',
            name='grade_department',
            field=models.ForeignKey(blank=True, help_text='For a department scheme: the department whose grade brings this measure.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='grading department'),
        ),
        migrations.RunPython(grading_departments, migrations.RunPython.noop),
    ]
