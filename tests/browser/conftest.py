import os

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm():
    """Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    test body and the database flush after it are still synchronous (playwright-pytest #29)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


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
