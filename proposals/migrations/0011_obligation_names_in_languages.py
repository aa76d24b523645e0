from django.db import migrations, models
from django.utils.translation import gettext, override

from proposals.language import detect_language

LANGUAGES = ("kk", "ru", "en")


def _answer_within(days: int) -> dict[str, str]:
    # The name a new consultation's first obligation was given, in the creator's language only.
    names = {}
    for code in LANGUAGES:
        with override(code):
            names[code] = gettext("Answer within %(days)d days") % {"days": days}
    return names


def names_per_language(apps, schema_editor):
    """An automatic name is written again in every language; a name staff typed stays in the language it is
    written in, so the other languages show it marked as such until staff translate it."""
    ObligationRule = apps.get_model("proposals", "ObligationRule")
    for rule in ObligationRule.objects.all():
        automatic = _answer_within(rule.days)
        if rule.name.strip() in automatic.values():
            names = automatic
        else:
            names = {detect_language(rule.name): rule.name.strip()}
        for code in LANGUAGES:
            setattr(rule, f"name_{code}", names.get(code, ""))
        rule.save(update_fields=[f"name_{code}" for code in LANGUAGES])


def one_name(apps, schema_editor):
    ObligationRule = apps.get_model("proposals", "ObligationRule")
    for rule in ObligationRule.objects.all():
        rule.name = rule.name_kk or rule.name_ru or rule.name_en
        rule.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0010_responded_index_nulls_last")]
    operations = [
        migrations.AddField(
            model_name="obligationrule",
            name="name_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (Kazakh)"),
        ),
        migrations.AddField(
            model_name="obligationrule",
            name="name_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (Russian)"),
        ),
        migrations.AddField(
            model_name="obligationrule",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (English)"),
        ),
        migrations.RunPython(names_per_language, one_name),
        migrations.RemoveField(model_name="obligationrule", name="name"),
    ]
