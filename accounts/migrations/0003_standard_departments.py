"""The standard county departments (SPEC §7). Codes are stable keys for other systems; names and
further departments are maintained by the credit office in the admin."""

from django.db import migrations

# (code, name, sort order). Never import application code in a migration: the list is literal.
DEPARTMENTS = [
    ("xyb", "社会信用体系建设领导小组办公室（信用办）", 10),
    ("fgw", "发展和改革委员会", 20),
    ("zjj", "住房和城乡建设局", 30),
    ("scjg", "市场监督管理局", 40),
    ("zfbz", "住房保障中心", 50),
    ("swj", "税务局", 60),
    ("gaj", "公安局", 70),
    ("rsj", "人力资源和社会保障局", 80),
    ("sthj", "生态环境分局", 90),
    ("jtj", "交通运输局", 100),
    ("yjj", "应急管理局", 110),
    ("zrzy", "自然资源局", 120),
    ("nyj", "农业农村局", 130),
    ("wjw", "卫生健康委员会", 140),
    ("jyj", "教育局", 150),
    ("mzj", "民政局", 160),
    ("czj", "财政局", 170),
    ("slj", "水利局", 180),
    ("wlj", "文化广电和旅游局", 190),
    ("sfj", "司法局", 200),
    ("cgj", "城市管理局", 210),
    ("gxj", "工业和信息化局", 220),
    ("swuj", "商务局", 230),
    ("tjj", "统计局", 240),
    ("ybj", "医疗保障局", 250),
    ("lyj", "林业局", 260),
    ("xzsp", "行政审批服务局", 270),
    ("fy", "人民法院", 280),
]


def add_departments(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name, order in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove_departments(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Department.objects.filter(code__in=[code for code, _name, _order in DEPARTMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_links_and_units")]

    operations = [migrations.RunPython(add_departments, remove_departments)]
