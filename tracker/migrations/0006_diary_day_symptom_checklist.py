# The day form's "Anything else today?" checklist (tracker.symptoms): five ticks per day.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0005_typed_units_and_bp_call_numbers'),
    ]

    operations = [
        migrations.AddField(
            model_name='diaryday',
            name='symptom_leg_swollen',
            field=models.BooleanField(default=False, verbose_name='one leg swollen or painful'),
        ),
        migrations.AddField(
            model_name='diaryday',
            name='symptom_chest_pain',
            field=models.BooleanField(default=False, verbose_name='chest pain or sudden trouble breathing'),
        ),
        migrations.AddField(
            model_name='diaryday',
            name='symptom_belly_pain',
            field=models.BooleanField(default=False, verbose_name='belly pain'),
        ),
        migrations.AddField(
            model_name='diaryday',
            name='symptom_vomiting_diarrhoea',
            field=models.BooleanField(default=False, verbose_name='vomiting or diarrhea'),
        ),
        migrations.AddField(
            model_name='diaryday',
            name='symptom_infection_contact',
            field=models.BooleanField(default=False, verbose_name='contact with chickenpox or measles'),
        ),
    ]
