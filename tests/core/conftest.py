import pytest
from django.db import transaction

# How many feedback items the demo's first round loads, unless a module sets
# DEMO_FEEDBACK_ITEMS (fewer make a faster module).
DEMO_FEEDBACK_ITEMS = 400


@pytest.fixture(scope="module")
def first_round(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The first round of the demo city (every demo loader after the organisation tree, which
    is loaded for the session), loaded once for the module that asks for it and rolled back
    after it. Uploads go to a temporary MEDIA_ROOT meanwhile, which is yielded."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils.module_loading import import_string

    media = tmp_path_factory.mktemp("media")
    media_settings = override_settings(MEDIA_ROOT=media)
    media_settings.enable()
    items = getattr(request.module, "DEMO_FEEDBACK_ITEMS", DEMO_FEEDBACK_ITEMS)
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for dotted in settings.JIEBANG_DEMO_LOADERS[1:]:  # the org tree is loaded already
                loader = import_string(dotted)
                sized = dotted in ("jiebang.needs.demo.load", "jiebang.supervision.demo.load")
                loader(n=items) if sized else loader()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media_settings.disable()
            raise
    yield media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    media_settings.disable()


@pytest.fixture(scope="module")
def world(first_round, django_db_blocker):
    """The first round with what the scope tests also need: a head of 冠县人民医院
    (unit_guanxian_head) and imports and exports of several users, so both sides of "their
    own" exist, with their files on disk. Rolled back with the first round."""
    from jiebang.ledger.models import TaskExport, TaskImport
    from jiebang.needs.models import ImportBatch
    from jiebang.orgs.models import Institution, User

    media = first_round
    with django_db_blocker.unblock():
        guanxian = Institution.objects.get(name="冠县人民医院")
        User.objects.create_user(
            "unit_guanxian_head", role="unit", institution=guanxian, is_unit_head=True
        )
        (media / "imports").mkdir(parents=True, exist_ok=True)
        (media / "imports" / "x.csv").write_text("工单编号,受理时间,诉求内容\n", encoding="utf-8")
        for name in ("city_admin", "county_guanxian", "unit_donge"):
            user = User.objects.get(username=name)
            ImportBatch.objects.create(
                file_name="热线.csv",
                channel="hotline",
                created_by=user,
                stored_file="imports/x.csv",
            )
            TaskImport.objects.create(
                file="ledger-imports/x.xlsx", file_name="任务.xlsx", created_by=user
            )
            TaskExport.objects.create(created_by=user)
    return media
