"""Items get a unit of service and a retired flag; negative-list entries may be level 3; prices an effective year."""

from django.db import migrations, models


def fill_effective_year(apps, schema_editor):
    PriceEntry = apps.get_model("catalog", "PriceEntry")
    for entry in PriceEntry.objects.select_related("item__version").only("pk", "item__version__year"):
        PriceEntry.objects.filter(pk=entry.pk).update(effective_year=entry.item.version.year)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="catalogitem",
            name="unit_of_service",
            field=models.CharField(
                blank=True, help_text="如 人·次、户·月、项", max_length=20, verbose_name="服务计量单位"
            ),
        ),
        migrations.AddField(
            model_name="catalogitem",
            name="retired",
            field=models.BooleanField(default=False, verbose_name="已停用"),
        ),
        migrations.AddField(
            model_name="priceentry",
            name="effective_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="执行年度"),
        ),
        migrations.RunPython(fill_effective_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="priceentry",
            name="effective_year",
            field=models.PositiveSmallIntegerField(verbose_name="执行年度"),
        ),
        migrations.RemoveConstraint(
            model_name="priceentry",
            name="catalog_price_per_unit",
        ),
        migrations.AlterModelOptions(
            name="priceentry",
            options={
                "ordering": ["item_id", "unit_of_measure", "effective_year"],
                "verbose_name": "参考价格",
                "verbose_name_plural": "参考价格",
            },
        ),
        migrations.AddConstraint(
            model_name="catalogitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "item"), ("level", 1), ("level", 3), _connector="OR"),
                name="catalog_item_negative_level_1_or_3",
            ),
        ),
        migrations.AddConstraint(
            model_name="catalogitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("retired", False), ("level", 3), _connector="OR"),
                name="catalog_item_retire_level_3",
            ),
        ),
        migrations.AddConstraint(
            model_name="priceentry",
            constraint=models.UniqueConstraint(
                fields=("item", "unit_of_measure", "effective_year"), name="catalog_price_per_unit_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="priceentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("effective_year__gte", 2000), ("effective_year__lte", 2100)),
                name="catalog_price_effective_year_range",
            ),
        ),
    ]
