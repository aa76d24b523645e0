"""The audit log's codes in words: `{% load audit %}`, then `action|audit_action`,
`target_type|audit_target_type`, `details|audit_details` (a list of name, value, page and language of the
value) and `entry|audit_target_url`."""

from django import template

from portal.core.audit import (
    audit_action_label,
    audit_detail_pairs,
    audit_target_type_label,
    audit_target_url,
)

register = template.Library()

register.filter("audit_action", audit_action_label)
register.filter("audit_target_type", audit_target_type_label)
register.filter("audit_details", audit_detail_pairs)
register.filter("audit_target_url", audit_target_url)
