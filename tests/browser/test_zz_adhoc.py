import pytest
from tests.browser.conftest import sign_in
pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}

def test_shots(new_context, browser_server, browser_users, institutions):
    out = "/tmp/hb"
    c = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    p = c.new_page()
    p.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(p, browser_users.member.username, "bad")
    p.screenshot(path=f"{out}/login-error.png", full_page=True)
    sign_in(p, browser_users.member.username, browser_users.password)
    p.wait_for_url("**/")
    print("portal sw", p.evaluate("document.documentElement.scrollWidth"))
    p.screenshot(path=f"{out}/portal.png", full_page=True)
    c2 = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    q = c2.new_page()
    q.goto(browser_server.url(None, "/accounts/login/"))
    sign_in(q, browser_users.operator.username, browser_users.password)
    q.wait_for_url("**/")
    print("console sw", q.evaluate("document.documentElement.scrollWidth"))
    q.screenshot(path=f"{out}/console.png", full_page=True)
    q.goto(browser_server.url(None, "/institutions/alpha/"))
    print("detail sw", q.evaluate("document.documentElement.scrollWidth"))
    q.screenshot(path=f"{out}/detail.png", full_page=True)
    q.goto(browser_server.url(None, "/institutions/new/"))
    print("new sw", q.evaluate("document.documentElement.scrollWidth"))
    q.screenshot(path=f"{out}/new.png", full_page=True)
    q.goto(browser_server.url(None, "/accounts/totp/"))
    print("totp sw", q.evaluate("document.documentElement.scrollWidth"))
    q.screenshot(path=f"{out}/totp.png", full_page=True)
