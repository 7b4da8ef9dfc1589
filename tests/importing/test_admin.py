"""The admin pages for the catalogue and its imports open for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctgov.sources import ReadError, ReadItem
from tests.importing.helpers import item, make_record
from trials.models import ChangeEvent, ImportFailure, ImportRun, Site, Trial
from trials.services.importing import import_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    # No password: hashing one is slow, and force_login does not need it.
    user = django_user_model.objects.create(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def catalogue():
    error = ReadItem("bad.xml", "", error=ReadError("bad.xml", "", "broken XML: no element found"))
    import_items([item(make_record()), error], run=ImportRun.objects.create())
    import_items(
        [item(make_record(status="COMPLETED", updated="2025-01"))], run=ImportRun.objects.create()
    )


@pytest.mark.parametrize(
    ("model", "first"),
    [
        (Trial, lambda: Trial.objects.get()),
        (Site, lambda: Site.objects.first()),
        (ImportRun, lambda: ImportRun.objects.filter(failed=1).get()),
        (ImportFailure, lambda: ImportFailure.objects.get()),
        (ChangeEvent, lambda: ChangeEvent.objects.filter(kind="status").get()),
    ],
)
def test_admin_changelist_and_change_pages_load(staff_client, catalogue, model, first):
    name = f"admin:trials_{model._meta.model_name}"
    response = staff_client.get(reverse(f"{name}_changelist"))
    assert response.status_code == 200
    obj = first()
    response = staff_client.get(reverse(f"{name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_trial_admin_searches_by_id_and_links_to_the_public_page(staff_client, catalogue):
    url = reverse("admin:trials_trial_changelist")
    assert "NCT00000001" in staff_client.get(url, {"q": "NCT00000001"}).content.decode()
    assert "NCT00000001" not in staff_client.get(url, {"q": "NCT00000002"}).content.decode()
    trial = Trial.objects.get()
    page = staff_client.get(reverse("admin:trials_trial_change", args=[trial.pk])).content
    assert reverse("trials:detail", args=["NCT00000001"]).encode() in page
    assert b"General Hospital" in page


def test_import_run_page_lists_its_failures(staff_client, catalogue):
    run = ImportRun.objects.filter(failed=1).get()
    page = staff_client.get(reverse("admin:trials_importrun_change", args=[run.pk])).content
    assert b"broken XML: no element found" in page
