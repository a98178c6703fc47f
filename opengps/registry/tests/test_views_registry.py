"""Registry pages: public search (with htmx partial), profile, export, management screens, import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opengps.core import tasks
from opengps.core.models import AuditEvent
from opengps.demo.testdata import with_wrong_check_digit
from opengps.demo.world import uscc_for
from opengps.registry import importing, selectors, services
from opengps.registry.models import ImportJob, Organization
from opengps.registry.tests.test_import_workbook import row, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(make_org: Callable[..., Any], registrar: Any) -> list[Any]:
    elderly = make_org(name="长沙市夕阳红养老服务中心", contact_phone="0731-12345678")
    youth = make_org(name="岳阳市青少年发展基金会", org_type="foundation", region="430602")
    services.credit_list(
        actor=registrar,
        organization=youth,
        kind="serious",
        reason="fine_50000_plus",
        decision_document="湘民罚〔2025〕5号",
        listed_on=date(2025, 8, 1),
    )
    return [elderly, youth]


def test_search_page_lists_filters_and_results(client: Client, orgs: list[Any]) -> None:
    response = client.get(reverse("registry:search"), {"q": "养老"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "长沙市夕阳红养老服务中心" in html and "岳阳市青少年发展基金会" not in html
    assert 'hx-trigger="keyup changed delay:300ms' in html and "<select" in html
    assert "共 1 个社会组织" in html


def test_search_page_says_more_than_the_cap(
    client: Client, orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    html = client.get(reverse("registry:search")).content.decode()
    assert "超过 1 个社会组织" in html and "共 1 个社会组织" not in html


def test_htmx_request_gets_only_the_results_partial(client: Client, orgs: list[Any]) -> None:
    response = client.get(reverse("registry:search"), {"credit": "serious"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "岳阳市青少年发展基金会" in html and "长沙市夕阳红" not in html


def test_profile_shows_every_reason_with_citation_and_hides_contacts(client: Client, orgs: list[Any]) -> None:
    html = client.get(reverse("registry:detail", args=[orgs[1].uscc])).content.decode()
    assert "不得向其购买服务" in html and "民政部令第60号" in html and "eligibility.serious_list" in html
    assert "受到5万元以上罚款处罚" in html  # the ground code shown in the rules' words
    assert "审计时间线" not in html
    assert "0731-12345678" not in client.get(reverse("registry:detail", args=[orgs[0].uscc])).content.decode()


def test_auditor_sees_the_audit_timeline_link(client: Client, orgs: list[Any], auditor: Any) -> None:
    client.force_login(auditor)
    html = client.get(reverse("registry:detail", args=[orgs[0].uscc])).content.decode()
    assert reverse("workbench:audit-timeline", args=["registry.organization", orgs[0].pk]) in html


def test_unknown_profile_is_404(client: Client, regions: None) -> None:
    assert client.get(reverse("registry:detail", args=[uscc_for(77)])).status_code == 404


def test_public_export_has_filtered_rows_and_public_columns_only(client: Client, orgs: list[Any]) -> None:
    # when
    response = client.get(reverse("registry:export"), {"q": "养老"})
    # then
    workbook = load_workbook(BytesIO(response.getvalue()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("名称", "统一社会信用代码") and "联系电话" not in rows[0]
    assert [r[1] for r in rows[1:]] == [orgs[0].uscc]


def test_registrar_export_includes_contacts(client: Client, orgs: list[Any], registrar: Any) -> None:
    client.force_login(registrar)
    response = client.get(reverse("registry:manage-export"))
    rows = list(load_workbook(BytesIO(response.getvalue())).worksheets[0].iter_rows(values_only=True))
    assert "联系电话" in rows[0] and len(rows) == 3


def test_manage_screens_are_for_the_registration_authority(
    client: Client, purchaser: Any, registrar: Any, orgs: list[Any]
) -> None:
    client.force_login(purchaser)
    assert client.get(reverse("registry:manage")).status_code == 403
    client.force_login(registrar)
    html = client.get(reverse("registry:manage")).content.decode()
    assert "长沙市夕阳红养老服务中心" in html and reverse("registry:manage-create") in html


def test_create_form_shows_the_service_error_next_to_the_field(client: Client, registrar: Any) -> None:
    # given
    client.force_login(registrar)
    bad = with_wrong_check_digit(uscc_for(321))
    # when
    response = client.post(
        reverse("registry:manage-create"),
        {
            "name": "长沙市测试服务中心",
            "uscc": bad,
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": "2018-01-02",
        },
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_uscc-error"' in html and "校验位错误" in html
    assert not Organization.objects.exists()
    ok = client.post(
        reverse("registry:manage-create"),
        {
            "name": "长沙市测试服务中心",
            "uscc": uscc_for(321),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": "2018-01-02",
        },
    )
    assert ok.status_code == 302 and Organization.objects.get().name == "长沙市测试服务中心"


def test_manage_org_records_a_rating_and_shows_errors(
    client: Client, orgs: list[Any], registrar: Any
) -> None:
    client.force_login(registrar)
    url = reverse("registry:manage-org", args=[orgs[0].uscc])
    rating_url = reverse("registry:manage-org-rating", args=[orgs[0].uscc])
    assert f'action="{rating_url}#rating"' in client.get(url).content.decode()
    refused = client.post(rating_url, {"rating-level": "4", "rating-awarded_on": "2024-03-01"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "请填写评估决定文号" in html
    assert 'id="id_rating-decision_no-error"' in html and 'value="2024-03-01"' in html  # the input is kept
    done = client.post(
        rating_url,
        {
            "rating-level": "4",
            "rating-awarded_on": "2024-03-01",
            "rating-decision_no": "湘民评〔2024〕3号",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"{url}#rating"
    assert AuditEvent.objects.filter(action="registry.rating_recorded").count() == 1
    html = client.get(url).content.decode()
    assert "湘民评〔2024〕3号" in html and "撤销等级" in html


def test_manage_org_delists_and_changes_status(client: Client, orgs: list[Any], registrar: Any) -> None:
    client.force_login(registrar)
    listing = orgs[1].credit_listings.get()
    uscc = orgs[1].uscc
    response = client.post(
        reverse("registry:manage-org-delist", args=[uscc]),
        {
            "delist-listing_id": listing.pk,
            "delist-removed_on": "2025-09-01",
            "delist-reason": "撤销处罚决定",
            "delist-document": "湘民复〔2025〕1号",
        },
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.removed_on == date(2025, 9, 1)
    response = client.post(
        reverse("registry:manage-org-status", args=[uscc]),
        {
            "status-status": "deregistered",
            "status-on_date": "2025-10-01",
            "status-reason": "自行解散",
        },
    )
    assert response.status_code == 302 and Organization.objects.get(pk=orgs[1].pk).status == "deregistered"


def test_city_registrar_cannot_open_a_province_org(
    client: Client, orgs: list[Any], cs_registrar: Any
) -> None:
    client.force_login(cs_registrar)
    response = client.get(reverse("registry:manage-org", args=[orgs[0].uscc]))
    assert response.status_code == 403 and "registry.out_of_scope" in response.content.decode()


def test_import_upload_runs_after_commit_and_shows_progress_and_report(
    client: Client,
    registrar: Any,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a worker runs the queued task right after the upload
    settings.MEDIA_ROOT = tmp_path / "media"
    path = save([row(1), row(2, **{"统一社会信用代码": "123"})], tmp_path / "orgs.xlsx")
    client.force_login(registrar)
    # when
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle, "mode": "valid_only"})
    assert ImportJob.objects.get().status == "pending"
    assert tasks.run_ready() == 1
    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import-job", args=[job.pk]
    )
    assert job.status == "succeeded" and job.created_count == 1
    assert Path(job.file.path).is_relative_to(tmp_path / "media" / "imports")
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'class="progress"' in partial and "registry.uscc_format" in partial and "hx-trigger" not in partial


def test_import_page_polls_while_running(
    client: Client, registrar: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = save([row(1)], tmp_path / "orgs.xlsx")
    with path.open("rb") as handle:
        job = importing.import_job_create(
            actor=registrar, file=handle, filename="orgs.xlsx", size=path.stat().st_size, start=False
        )
    client.force_login(registrar)
    html = client.get(reverse("registry:import-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "排队中" in html


def test_non_xlsx_upload_is_refused_beside_the_field(
    client: Client, registrar: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(registrar)
    upload = SimpleUploadedFile("orgs.xlsx", "名称,统一社会信用代码\n".encode(), content_type="text/csv")
    response = client.post(reverse("registry:import"), {"file": upload, "mode": "all_or_nothing"})
    assert response.status_code == 200 and "只接受 Excel 工作簿" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_template_download_has_the_expected_headers(client: Client, registrar: Any) -> None:
    client.force_login(registrar)
    content = client.get(reverse("registry:import-template")).content
    header = next(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert tuple(header) == importing.HEADERS


def test_manage_org_page_takes_no_post_each_action_has_its_url(
    client: Client, orgs: list[Any], registrar: Any
) -> None:
    # given the registrar on an organization's management page
    client.force_login(registrar)
    uscc = orgs[0].uscc
    # when a form posts to the page itself, or a GET reaches an action's URL
    posted = client.post(reverse("registry:manage-org", args=[uscc]), {"action": "rating"})
    fetched = client.get(reverse("registry:manage-org-rating", args=[uscc]))
    # then both are refused: the page only shows, each action only acts
    assert posted.status_code == 405 and fetched.status_code == 405
    assert not AuditEvent.objects.filter(action="registry.rating_recorded").exists()
