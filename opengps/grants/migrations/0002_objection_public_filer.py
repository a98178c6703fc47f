"""Objections may be filed by anyone during the notice period, anonymously too (name and contact kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def names_from_accounts(apps, schema_editor):  # type: ignore[no-untyped-def]
    Objection = apps.get_model("grants", "Objection")
    for item in Objection.objects.select_related("filed_by").filter(filer_name=""):
        user = item.filed_by
        item.filer_name = (getattr(user, "display_name", "") or getattr(user, "username", ""))[:100]
        item.filer_contact = (getattr(user, "email", "") or getattr(user, "username", ""))[:100]
        item.save(update_fields=["filer_name", "filer_contact"])


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="objection",
            name="filed_by",
            field=models.ForeignKey(
                blank=True,
                help_text="匿名提出时为空",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="提出人账号",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="filer_name",
            field=models.CharField(default="", max_length=100, verbose_name="提出人"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="objection",
            name="filer_contact",
            field=models.CharField(
                default="",
                help_text="仅资助单位可见，用于反馈处理结果",
                max_length=100,
                verbose_name="联系方式",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(names_from_accounts, migrations.RunPython.noop),
    ]
