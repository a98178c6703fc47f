from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0005_prequalification_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="procurement",
            name="evaluation_factors",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="综合评分法：采购文件载明的评审因素及分值、价格分占比（创建时按目录类别预填，可修改）",
                verbose_name="评审因素",
            ),
        ),
    ]
