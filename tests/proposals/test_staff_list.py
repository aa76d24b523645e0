"""The fields of an item the secretariat names in each language (topics, answer obligations): one check of the
names serves every such list."""

import pytest
from django.core.exceptions import ValidationError

from proposals.services.staff_list import named_item_fields


def test_a_named_item_keeps_its_trimmed_names_and_its_other_fields():
    fields = named_item_fields({"kk": "  Құқық ", "ru": "Право\n"}, {}, slug="law", position=2)
    assert fields == {"name_kk": "Құқық", "name_ru": "Право", "name_en": "", "slug": "law", "position": 2}


def test_a_name_missing_in_kazakh_is_refused_first_beside_the_lists_own_errors():
    with pytest.raises(ValidationError) as refused:
        named_item_fields({"kk": " ", "ru": "Право", "en": "Law"}, {"days": "Between 1 and 3650 days."})
    assert list(refused.value.message_dict) == ["name_kk", "days"]


def test_the_lists_own_errors_refuse_an_item_named_in_kazakh():
    with pytest.raises(ValidationError) as refused:
        named_item_fields({"kk": "Құқық"}, {"position": "Zero or more."}, position=-1)
    assert refused.value.message_dict == {"position": ["Zero or more."]}
