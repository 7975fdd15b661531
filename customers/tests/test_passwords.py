import pytest
from django.contrib.auth.hashers import identify_hasher

from customers.models import User

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2id(client, settings):
    # The autouse fixture swaps in MD5 for speed; restore the production list.
    from django.conf import settings as live

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert live.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    client.post(
        "/customer/register",
        {"email": "argon@example.com", "password1": "Tafelrunde-2024!", "full_name": "Argo N"},
    )
    user = User.objects.get(email="argon@example.com")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Tafelrunde-2024!")
