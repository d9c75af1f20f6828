"""Swelling and foam may be "not recorded" (NULL) instead of an invented 0 (issue #11).

Only the columns and their range checks change: every existing row keeps its grades.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0006_diary_day_symptom_checklist'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='diaryday',
            name='diary_day_swelling_range',
        ),
        migrations.RemoveConstraint(
            model_name='diaryday',
            name='diary_day_foam_range',
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='foam',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(0, '0 – none'), (1, '1 – a thin layer'), (2, '2 – a clear layer'), (3, '3 – thick foam')], default=None, null=True, verbose_name='urine foam'),
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='swelling_belly',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(0, '0 – none'), (1, '1 – mild'), (2, '2 – moderate'), (3, '3 – severe')], default=None, null=True, verbose_name='belly'),
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='swelling_face',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(0, '0 – none'), (1, '1 – mild'), (2, '2 – moderate'), (3, '3 – severe')], default=None, null=True, verbose_name='face or around the eyes'),
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='swelling_hands',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(0, '0 – none'), (1, '1 – mild'), (2, '2 – moderate'), (3, '3 – severe')], default=None, null=True, verbose_name='hands'),
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='swelling_legs',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(0, '0 – none'), (1, '1 – mild'), (2, '2 – moderate'), (3, '3 – severe')], default=None, null=True, verbose_name='legs, ankles or feet'),
        ),
        migrations.AddConstraint(
            model_name='diaryday',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('swelling_face__isnull', True), models.Q(('swelling_face__gte', 0), ('swelling_face__lte', 3)), _connector='OR'), models.Q(('swelling_hands__isnull', True), models.Q(('swelling_hands__gte', 0), ('swelling_hands__lte', 3)), _connector='OR'), models.Q(('swelling_belly__isnull', True), models.Q(('swelling_belly__gte', 0), ('swelling_belly__lte', 3)), _connector='OR'), models.Q(('swelling_legs__isnull', True), models.Q(('swelling_legs__gte', 0), ('swelling_legs__lte', 3)), _connector='OR')), name='diary_day_swelling_range'),
        ),
        migrations.AddConstraint(
            model_name='diaryday',
            constraint=models.CheckConstraint(condition=models.Q(('foam__isnull', True), models.Q(('foam__gte', 0), ('foam__lte', 3)), _connector='OR'), name='diary_day_foam_range'),
        ),
    ]
