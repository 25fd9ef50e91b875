from django.db import migrations, models

import trials.models


def fill_group_rank(apps, schema_editor):
    """Each existing trial's rank, from its registry status, in one statement."""
    Trial = apps.get_model("trials", "Trial")
    Trial.objects.update(group_rank=trials.models.group_rank_sql())


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
