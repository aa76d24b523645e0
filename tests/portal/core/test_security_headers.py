import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PAGES = ["/kk/", "/ru/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_csp_without_inline_scripts(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_and_load_htmx_locally(client, path):
    content = client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r'<script src="/static/vendor/htmx-[\d.]+\.min\.js"', content)
    # Nothing is loaded from another host (a CSRF token is random letters and may spell "cdn": only addresses).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', content)
    # The language alternates name the site's own address (SITE_URL), whatever Host the request carried.
    own = ("http://testserver/", f"{settings.SITE_URL}/")
    elsewhere = [a for a in addresses if "//" in a and not a.startswith(own)]
    assert addresses and not elsewhere and not [a for a in addresses if "cdn" in a.lower()]


def test_base_layout_has_skip_link_and_landmarks(client):
    content = client.get("/en/").content.decode()
    assert 'class="skip-link" href="#main"' in content
    assert '<main id="main"' in content
    assert "<header" in content and "<footer" in content
    assert 'aria-label="Language"' in content
