from allauth.account.models import EmailAddress


def customer_email_verified(*, user) -> bool:
    """The one check for "may this customer do things that need a verified email".

    True when the user's current primary address is verified with allauth.
    Invoicing calls this; nothing else should look at EmailAddress directly.
    """
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
