"""Forms written out with `as_div` (the notification settings, privacy, organisation members, staff panels)
put each field in a `field` block, which the stylesheet spaces as allauth's fields are: without it a label sat
right under the box above it, and on a phone seven selects read as one block."""

import re
from pathlib import Path

from django import forms
from django.conf import settings

from portal.core.forms import PortalForm


class _TwoFields(PortalForm):
    when = forms.ChoiceField(choices=[("now", "Now"), ("daily", "Daily")])
    note = forms.CharField(required=False)


def test_each_field_of_a_form_written_out_as_div_is_a_spaced_field_block():
    html = _TwoFields().as_div()
    blocks = re.findall(r'<div class="([^"]*)">\s*<label', html)
    assert len(blocks) == 2 and all("field" in block.split() for block in blocks), html
    stylesheet = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    assert re.search(r"\.field\s*\{[^}]*margin:\s*0 0 1rem", stylesheet)
