"""The constraints on scheme versions per department (SPEC §3.6), added once 0008 has given every
department scheme version its department: a version number and one published version per scheme and
department. A migration of its own: PostgreSQL alters no table with row changes pending in the same
transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grading", "0008_department_versions_data"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='schemeversion',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', True)), fields=('scheme', 'number'), name='scheme_version_unique_number'),
        ),
        migrations.AddConstraint(
            model_name='schemeversion',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', False)), fields=('scheme', 'department', 'number'), name='scheme_version_unique_dept_number'),
        ),
        migrations.AddConstraint(
            model_name='schemeversion',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', True), ('status', 'published')), fields=('scheme',), name='scheme_one_published_version'),
        ),
        migrations.AddConstraint(
            model_name='schemeversion',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', False), ('status', 'published')), fields=('scheme', 'department'), name='scheme_one_published_dept_version'),
        ),
    ]
