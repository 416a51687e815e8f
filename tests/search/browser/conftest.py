"""tests/browser's live server, Chromium and page fixtures, for the search browser tests. A
package of their own so that the package-scoped browser environment (a running Playwright loop,
database access unblocked) ends with them, as it does in tests/browser."""

from tests.browser.conftest import (  # noqa: F401 (fixtures re-exported for this package)
    _browser_env,
    _no_search_leftovers,
    _plain_http_cookies,
    browser,
    browser_server,
    console_errors,
    context,
    new_context,
    page,
    playwright,
)
