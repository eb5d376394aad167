"""Administrative licences (双公示 行政许可, 004 §4(3)): the licence's fields on the record, the kind
flag that asks for them, the import template, and the record kind 行政许可 itself.

The kind is neutral information: no default scheme names it, and a grading window counts it only where
a scheme version's rules name it (grading/window.py), so entering licences changes no grade. Literal
data: migrations never import app code.
"""

from django.db import migrations, models

KIND = {
    "code": "administrative_licence",
    "name": "行政许可",
    "polarity": "neutral",
    "default_severity": "",
    "has_sanctions": False,
    "has_complainant": False,
    "has_external_grade": False,
    "has_licence": True,
    "is_published": True,
    "sort_order": 75,
}


def add_kind(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    values = {k: v for k, v in KIND.items() if k != "code"}
    RecordKind.objects.update_or_create(code=KIND["code"], defaults=values)


def remove_kind(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    CreditRecord = apps.get_model("records", "CreditRecord")
    if not CreditRecord.objects.filter(kind__code=KIND["code"]).exists():
        RecordKind.objects.filter(code=KIND["code"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0005_import_batch_job_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditrecord',
            name='licence_authority',
            field=models.CharField(blank=True, max_length=200, verbose_name='licensing authority'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_authority_code',
            field=models.CharField(blank=True, max_length=18, verbose_name="licensing authority's code"),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_category',
            field=models.CharField(blank=True, choices=[('ordinary', 'Ordinary licence'), ('franchise', 'Franchise'), ('recognition', 'Recognition'), ('approval', 'Approval'), ('registration', 'Registration'), ('other', 'Other')], max_length=20, verbose_name='licence category'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_category_note',
            field=models.CharField(blank=True, max_length=50, verbose_name='licence category (other)'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_certificate',
            field=models.CharField(blank=True, max_length=200, verbose_name='licence certificate'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_document_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='licence decision document'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_number',
            field=models.CharField(blank=True, max_length=100, verbose_name='licence number'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_status',
            field=models.CharField(blank=True, choices=[('valid', 'Valid'), ('invalid', 'Invalid')], max_length=10, verbose_name='licence status'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_valid_from',
            field=models.DateField(blank=True, null=True, verbose_name='licence valid from'),
        ),
        migrations.AddField(
            model_name='creditrecord',
            name='licence_valid_to',
            field=models.DateField(blank=True, null=True, verbose_name='licence valid to'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_authority',
            field=models.CharField(blank=True, max_length=200, verbose_name='licensing authority'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_authority_code',
            field=models.CharField(blank=True, max_length=18, verbose_name="licensing authority's code"),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_category',
            field=models.CharField(blank=True, choices=[('ordinary', 'Ordinary licence'), ('franchise', 'Franchise'), ('recognition', 'Recognition'), ('approval', 'Approval'), ('registration', 'Registration'), ('other', 'Other')], max_length=20, verbose_name='licence category'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_category_note',
            field=models.CharField(blank=True, max_length=50, verbose_name='licence category (other)'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_certificate',
            field=models.CharField(blank=True, max_length=200, verbose_name='licence certificate'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_document_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='licence decision document'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_number',
            field=models.CharField(blank=True, max_length=100, verbose_name='licence number'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_status',
            field=models.CharField(blank=True, choices=[('valid', 'Valid'), ('invalid', 'Invalid')], max_length=10, verbose_name='licence status'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_valid_from',
            field=models.DateField(blank=True, null=True, verbose_name='licence valid from'),
        ),
        migrations.AddField(
            model_name='historicalcreditrecord',
            name='licence_valid_to',
            field=models.DateField(blank=True, null=True, verbose_name='licence valid to'),
        ),
        migrations.AddField(
            model_name='historicalrecordkind',
            name='has_licence',
            field=models.BooleanField(default=False, verbose_name='carries an administrative licence'),
        ),
        migrations.AddField(
            model_name='recordkind',
            name='has_licence',
            field=models.BooleanField(default=False, verbose_name='carries an administrative licence'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='template',
            field=models.CharField(blank=True, choices=[('general', 'General record template'), ('penalty', 'Platform administrative-penalty template (双公示)'), ('licence', 'Platform administrative-licence template (双公示)')], max_length=10, verbose_name='template'),
        ),
        migrations.RunPython(add_kind, remove_kind),
    ]
