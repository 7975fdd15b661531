"""The "Restaurant staff" group: the model permissions every staff member gets.

Which *rows* a staff member sees is decided by the admin (their restaurants
only); this group only decides which *models* they may touch. Other apps add
their models to STAFF_PERMISSIONS.
"""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP_NAME = "Restaurant staff"

STAFF_PERMISSIONS = {
    "orders": {
        # Read-only: only superusers change a company's legal details (CompanyAdmin).
        "company": ["view"],
        "restaurant": ["view", "change"],
        "table": ["view", "add", "change"],
        "menucategory": ["view", "add", "change", "delete"],
        "menuitem": ["view", "add", "change", "delete"],
        "order": ["view", "change"],
        "orderline": ["view"],
        "payment": ["view", "add"],
    },
    "invoices": {
        "invoice": ["view", "change"],
    },
    # Read-only in the admin; rows narrowed to the staff member's restaurants.
    "audit": {
        "auditentry": ["view"],
    },
}


def ensure_staff_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    codenames = [
        f"{action}_{model}"
        for app_models in STAFF_PERMISSIONS.values()
        for model, actions in app_models.items()
        for action in actions
    ]
    perms = Permission.objects.filter(content_type__app_label__in=STAFF_PERMISSIONS.keys(), codename__in=codenames)
    group.permissions.add(*perms)
    return group
