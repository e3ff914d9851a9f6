import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous (playwright-pytest #29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def demo_city(transactional_db):
    from jiebang.orgs import demo

    demo.load()


@pytest.fixture
def outside_requests(page, live_server):
    """Every request the page makes to anywhere but the live server."""
    seen = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else seen.append(r.url))
    return seen
