"""The organisation view's rule: the admin key sees every workshop, anyone else only the
workshops they joined, and a wrong key is refused rather than quietly narrowed."""

from __future__ import annotations

import pytest

from workshop import demo
from workshop.errors import Forbidden
from workshop.services.access import is_admin_key, scope
from workshop.services.maps import import_document


@pytest.fixture
def two(store):
    import_document(store, demo.example("fleet"))
    import_document(store, demo.example("kommun"))
    return store


def test_admin_key_sees_every_workshop(two):
    ids = scope("s3cret-key", "s3cret-key", []).workshop_ids(two)
    assert sorted(ids) == sorted(w.id for w in two.list_workshops())
    assert len(ids) == 2


def test_without_key_only_joined_workshops(two):
    fleet = demo.example("fleet")["workshop"]["id"]
    view = scope("s3cret-key", None, [fleet, "no-such-workshop"])
    assert not view.admin
    assert view.workshop_ids(two) == [fleet]  # a joined workshop that is gone is not listed
    assert scope("s3cret-key", "", []).workshop_ids(two) == []


@pytest.mark.parametrize("given", ["wrong", "s3cret-key ", "S3CRET-KEY", "s3cret"])
def test_wrong_key_is_refused(two, given):
    with pytest.raises(Forbidden):
        scope("s3cret-key", given, [])


@pytest.mark.parametrize("configured", [None, ""])
def test_no_configured_key_admits_nobody(configured):
    assert not is_admin_key(configured, "anything")
    assert not is_admin_key(configured, "")
    with pytest.raises(Forbidden):
        scope(configured, "anything", [])
