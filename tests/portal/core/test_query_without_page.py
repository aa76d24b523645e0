from django.test import RequestFactory

from portal.core.http import query_without_page


def test_page_links_keep_the_filters_but_not_the_page():
    request = RequestFactory().get("/proposals/?topic=courts&page=3&ordering=-supports&q=суд")
    assert query_without_page(request) == "topic=courts&ordering=-supports&q=%D1%81%D1%83%D0%B4"


def test_a_repeated_filter_keeps_every_value():
    request = RequestFactory().get("/moderation/?reason=spam&reason=abuse&page=2")
    assert query_without_page(request) == "reason=spam&reason=abuse"
