"""The file an admin import keeps between its dry run and its confirm holds full product keys:
it stays in a private folder, an hour at most, and no longer than its confirm."""

from __future__ import annotations

import os
import stat
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from benefits.admin import CONFIRM_CHANGED_MESSAGE, UPLOAD_EXPIRED_MESSAGE
from benefits.models import ProductKey
from benefits.services import key_import
from common.import_storage import MAX_AGE, PrivateUploadStorage, upload_folder
from tests.benefits.key_import_files import (
    IMPORT,
    PROCESS,
    confirm,
    csv_file,
    dry_run,
    fresh_keys,
)

pytestmark = pytest.mark.django_db


def stored_path(response) -> Path:
    name = response.context["form"].cleaned_data["import_file"].tmp_storage_name
    return upload_folder() / name


def keys_file(benefit, keys: list[str]):
    return csv_file(["product key,licenses,benefit"] + [f"{key},1,{benefit.pk}" for key in keys])


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_a_dry_run_keeps_the_file_private_until_its_confirm(staff_client, office_benefit):
    keys = fresh_keys(2, start=30_000)
    response = dry_run(staff_client, keys_file(office_benefit, keys))
    path = stored_path(response)
    assert path.parent == upload_folder()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keys[0] in path.read_text()
    done = confirm(staff_client, response)
    assert done.status_code == 302
    assert ProductKey.objects.filter(key__in=keys).count() == 2
    assert not path.exists()


def test_a_confirm_that_writes_nothing_removes_the_file_too(staff_client, office_benefit):
    keys = fresh_keys(2, start=31_000)
    response = dry_run(staff_client, keys_file(office_benefit, keys))
    path = stored_path(response)
    ProductKey.objects.create(benefit=office_benefit, key=keys[1], licenses=1)
    done = confirm(staff_client, response)
    assert messages_of(done) == [key_import.REFUSED_AT_CONFIRM_MESSAGE % {"count": 1}]
    assert not path.exists()


def test_housekeeping_removes_an_unconfirmed_file_once_an_hour_old(staff_client, office_benefit):
    old = stored_path(dry_run(staff_client, keys_file(office_benefit, fresh_keys(1, 32_000))))
    recent = stored_path(dry_run(staff_client, keys_file(office_benefit, fresh_keys(1, 32_100))))
    age(old, MAX_AGE.total_seconds() + 60)
    age(recent, MAX_AGE.total_seconds() - 60)
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "Unconfirmed import files removed: 1" in out.getvalue()
    assert not old.exists()
    assert recent.exists()
    recent.unlink()


def test_a_new_upload_removes_the_files_over_an_hour_old(staff_client, office_benefit):
    old = stored_path(dry_run(staff_client, keys_file(office_benefit, fresh_keys(1, 33_000))))
    age(old, MAX_AGE.total_seconds() + 60)
    newer = stored_path(dry_run(staff_client, keys_file(office_benefit, fresh_keys(1, 33_100))))
    assert not old.exists()
    newer.unlink()


def test_a_confirm_after_the_hour_imports_nothing_and_says_to_upload_again(
    staff_client, office_benefit
):
    keys = fresh_keys(1, start=34_000)
    response = dry_run(staff_client, keys_file(office_benefit, keys))
    stored_path(response).unlink()  # what the sweep does after an hour
    done = confirm(staff_client, response)
    assert done.status_code == 302
    assert done.url == reverse(IMPORT)
    assert messages_of(done) == [str(UPLOAD_EXPIRED_MESSAGE)]
    assert not ProductKey.objects.filter(key__in=keys).exists()


def test_a_confirm_sent_twice_imports_once_and_says_the_file_is_gone(staff_client, office_benefit):
    keys = fresh_keys(2, start=34_100)
    response = dry_run(staff_client, keys_file(office_benefit, keys))
    assert confirm(staff_client, response).status_code == 302
    again = confirm(staff_client, response)
    # After the first confirm's own message, which no page showed yet.
    assert messages_of(again)[-1] == str(UPLOAD_EXPIRED_MESSAGE)
    assert ProductKey.objects.filter(key__in=keys).count() == 2


@pytest.mark.parametrize(
    "changed",
    [{"format": "9"}, {"format": "x"}, {"format": "²"}, {"resource": "7"}, {"format": "1"}],
)
def test_a_confirm_form_changed_by_hand_imports_nothing_and_says_so(
    staff_client, office_benefit, changed
):
    """Indexes of a format or a resource that don't exist, or the checked CSV read as XLSX."""
    keys = fresh_keys(1, start=34_200)
    response = dry_run(staff_client, keys_file(office_benefit, keys))
    stored = stored_path(response)
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields} | changed
    done = staff_client.post(reverse(PROCESS), data)
    assert done.status_code == 302
    assert messages_of(done) == [str(CONFIRM_CHANGED_MESSAGE)]
    assert not ProductKey.objects.filter(key__in=keys).exists()
    assert not stored.exists()


@pytest.mark.parametrize("name", ["absolute", "../relative"])
def test_a_confirm_naming_another_file_neither_reads_nor_removes_it(
    staff_client, office_benefit, tmp_path, name
):
    elsewhere = tmp_path / "keys.csv"
    elsewhere.write_text(f"product key,licenses,benefit\n{fresh_keys(1, 35_000)[0]},1,1\n")
    named = str(elsewhere) if name == "absolute" else f"../{tmp_path.name}/keys.csv"
    data = {"import_file_name": named, "original_file_name": "keys.csv", "format": "0"}
    data["resource"] = "0"
    response = staff_client.post(reverse(PROCESS), data)
    assert response.status_code == 400
    assert elsewhere.exists()


def test_the_storage_refuses_a_name_it_did_not_make():
    from django.core.exceptions import SuspiciousFileOperation

    with pytest.raises(SuspiciousFileOperation):
        PrivateUploadStorage(name="/etc/hostname").read()
