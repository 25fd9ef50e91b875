from django.db import migrations, models

import trials.models


def fill_group_rank(apps, schema_editor):
    """Each existing trial's rank, from its registry status: one update per status."""
    Trial = apps.get_model("trials", "Trial")
    statuses = list(Trial.objects.order_by().values_list("overall_status", flat=True).distinct())
    for status in statuses:
        Trial.objects.filter(overall_status=status).update(
            group_rank=trials.models.group_rank(status))


class Migration(migrations.Migration):

    dependencies = [
        ('trials', '0006_trial_overall_status_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='trial',
            name='group_rank',
            field=trials.models.GroupRankField(default=3),
            preserve_default=False,
        ),
        migrations.RunPython(fill_group_rank, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='trial',
            index=models.Index(
                fields=['group_rank', 'brief_title', 'nct_id'], name='trial_group_order_idx'),
        ),
    ]
