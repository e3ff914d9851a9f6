"""Installation-level promises: offline assets, idempotent demo, deployment check."""

import io
import os
import re
import subprocess
import sys

from django.core.management import call_command
from django.db.models import Count

from jiebang.core.history import audited_models
from jiebang.orgs import demo

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)


def test_pages_load_nothing_from_outside(login, city_admin, guanxian_institution):
    client = login(city_admin)
    for url in ["/", "/orgs/institutions/", guanxian_institution.get_absolute_url(), "/audit/"]:
        html = client.get(url).text
        assert not EXTERNAL.search(html), url


def test_login_page_loads_nothing_from_outside(client, db):
    assert not EXTERNAL.search(client.get("/accounts/login/").text)


def test_demo_loader_is_idempotent(db):
    def snapshot():
        counts = {m._meta.label: m.objects.count() for m in audited_models()}
        counts.update(
            {m.instance_type._meta.label: m.instance_type.objects.count() for m in audited_models()}
        )
        return counts

    before = snapshot()
    demo.load()
    assert snapshot() == before


def test_demo_city_matches_the_seeds(db):
    from jiebang.orgs.models import Grid, Institution, MedicalGroup, Region

    assert Region.objects.filter(kind__in=Region.COUNTY_LEVEL).count() == 11
    assert Region.objects.filter(kind=Region.Kind.ZONE).count() == 3
    assert Grid.objects.count() == 11
    assert not Grid.objects.filter(lead_institution=None).exists()
    assert Institution.objects.filter(kind__in=Institution.PRIMARY_CARE).count() == 139
    assert Institution.objects.filter(kind=Institution.Kind.SUB_CENTRE).count() == 10
    for name in [
        "聊城市人民医院",
        "东阿县人民医院",
        "茌平区温陈街道社区卫生服务中心",
        "东昌府区广平中心卫生院",
        "冠县卫生健康局",
        "莘县卫生健康局",
        "聊城市第二人民医院",
        "高唐县姜店镇王楼村卫生室",
        "聊城市疾控中心",
    ]:
        assert Institution.objects.filter(name=name).exists(), name
    kinds = dict(MedicalGroup.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"city_group": 1, "alliance": 10, "county_community": 17, "specialist": 34}


def test_demo_command_no_serve(db, settings):
    settings.JIEBANG_DEMO_LOADERS = ["jiebang.orgs.demo.load"]  # stage demos: their own tests
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "city_admin" in out.getvalue() and "Liaocheng@2024" in out.getvalue()


def test_deploy_check_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "jiebang.settings",
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "k" * 20 + "production-secret-Ab3$x9!qZ-for-the-deploy-check",
        "ALLOWED_HOSTS": "jiebang.example.org",
        "JIEBANG_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "jiebang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_api_docs_are_served_locally(login, city_admin):
    response = login(city_admin).get("/api/docs")
    assert response.status_code == 200
    assert not EXTERNAL.search(response.text)
