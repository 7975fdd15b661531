import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEntry, AuditEntryRefused
from audit.selectors import audit_entries_for_account
from audit.services import audit_record
from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db


def _request(user=None, address="203.0.113.9"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    if user is not None:
        request.user = user
    return request


def test_entry_records_who_what_when_and_from_where(customer):
    entry = audit_record(action=AuditEntry.Action.LOGIN, request=_request(customer.user), subject=customer.user)
    entry.refresh_from_db()
    assert entry.actor == customer.user
    assert entry.subject == customer.user
    assert entry.ip_address == "203.0.113.9"
    assert entry.created_at is not None
    assert entry.get_action_display() == "Signed in"


def test_object_and_restaurant_are_kept_by_type_and_id(staff_a, restaurant_a):
    entry = audit_record(
        action=AuditEntry.Action.ORDER_STATUS, actor=staff_a, obj=restaurant_a, restaurant_id=restaurant_a.pk
    )
    assert (entry.object_type, entry.object_id, entry.restaurant_id) == (
        "orders.restaurant",
        str(restaurant_a.pk),
        restaurant_a.pk,
    )


def test_entries_cannot_be_changed_or_deleted(customer):
    entry = audit_record(action=AuditEntry.Action.LOGIN, subject=customer.user)
    entry.action = AuditEntry.Action.LOGOUT
    with pytest.raises(AuditEntryRefused):
        entry.save()
    with pytest.raises(AuditEntryRefused):
        entry.delete()
    with pytest.raises(AuditEntryRefused):
        AuditEntry.objects.filter(pk=entry.pk).update(action="logout")
    with pytest.raises(AuditEntryRefused):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.action == AuditEntry.Action.LOGIN


def test_entries_outlive_a_deleted_account_without_naming_it(customer):
    user = customer.user
    entry = audit_record(action=AuditEntry.Action.LOGIN, request=_request(user), subject=user)
    user.delete()
    entry.refresh_from_db()
    assert entry.actor_id is None and entry.subject_id is None
    assert entry.action == AuditEntry.Action.LOGIN


def test_an_account_gets_the_entries_about_it_and_by_it(customer, other_customer):
    mine = audit_record(action=AuditEntry.Action.LOGIN, subject=customer.user)
    by_me = audit_record(action=AuditEntry.Action.PASSWORD_CHANGED, actor=customer.user)
    audit_record(action=AuditEntry.Action.LOGIN, subject=other_customer.user)
    assert list(audit_entries_for_account(user=customer.user)) == [mine, by_me]


def test_staff_read_only_their_restaurants_entries(client, staff_a, restaurant_a, restaurant_b):
    audit_record(action=AuditEntry.Action.ORDER_STATUS, restaurant_id=restaurant_a.pk, data={"order": "A-order"})
    audit_record(action=AuditEntry.Action.ORDER_STATUS, restaurant_id=restaurant_b.pk, data={"order": "B-order"})
    audit_record(action=AuditEntry.Action.LOGIN, data={"order": "no-restaurant"})
    staff_force_login(client, staff_a)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert list(response.context["cl"].result_list)[0].restaurant_id == restaurant_a.pk


def test_other_restaurants_entry_is_not_found_for_staff(client, staff_a, restaurant_b):
    entry = audit_record(action=AuditEntry.Action.ORDER_STATUS, restaurant_id=restaurant_b.pk)
    staff_force_login(client, staff_a)
    response = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    # The admin answers "does not exist" (a redirect to the index) for rows outside the queryset.
    assert response.status_code == 302


def test_superuser_reads_everything_but_cannot_add_change_or_delete(client, superuser, restaurant_a):
    entry = audit_record(action=AuditEntry.Action.ORDER_STATUS, restaurant_id=restaurant_a.pk)
    audit_record(action=AuditEntry.Action.LOGIN)
    staff_force_login(client, superuser)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    # Everything: the two entries above and the sign-in that force_login records.
    assert response.context["cl"].result_count == AuditEntry.objects.count() == 3
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    detail = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "logout"})
    assert detail.status_code == 403
    entry.refresh_from_db()
    assert entry.action == AuditEntry.Action.ORDER_STATUS


@pytest.mark.postgres
def test_database_refuses_changing_or_deleting_an_entry_by_sql(customer):
    from django.db import DatabaseError, connection, transaction

    entry = audit_record(action=AuditEntry.Action.LOGIN, request=_request(customer.user), subject=customer.user)
    for sql in (
        "UPDATE audit_auditentry SET action = 'logout' WHERE id = %s",
        "UPDATE audit_auditentry SET subject_id = NULL, data = '{\"x\": 1}' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    # Anonymisation is the one change allowed.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET subject_id = NULL, ip_address = NULL WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.subject_id is None and entry.ip_address is None and entry.action == AuditEntry.Action.LOGIN
