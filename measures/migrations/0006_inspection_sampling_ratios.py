"""The default random-inspection sampling ratio of each county grade (003 §4; 004 §5(2); SPEC §7), kept
in the catalogue beside the grade's cap as ``sampling_ratio`` so the credit office can change the
defaults the departments' plans start from: A+/A 0 (not sampled except on complaint), B 0.05, C/C- 0.1,
D/D- 0.3."""

from django.db import migrations

RATIOS = {
    "pub-aa-inspection-exempt": "0",
    "pub-b-inspection-once": "0.05",
    "pub-c-inspection-three": "0.1",
    "pub-d-key-target": "0.3",
}


def add(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    for code, ratio in RATIOS.items():
        measure = Measure.objects.filter(code=code).first()
        if measure is not None and "sampling_ratio" not in measure.parameters:
            measure.parameters = {**measure.parameters, "sampling_ratio": ratio}
            measure.save(update_fields=["parameters"])


def remove(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    for code in RATIOS:
        measure = Measure.objects.filter(code=code).first()
        if measure is not None and "sampling_ratio" in measure.parameters:
            measure.parameters = {k: v for k, v in measure.parameters.items() if k != "sampling_ratio"}
            measure.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_department_lists")]

    operations = [migrations.RunPython(add, remove)]
