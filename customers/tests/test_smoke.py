def test_customer_factory_is_verified_with_billing_details(customer):
    from customers.services import customer_email_verified

    assert customer_email_verified(user=customer.user)
    assert customer.has_billing_details


def test_unverified_customer_factory(db):
    from customers.services import customer_email_verified
    from customers.tests.factories import CustomerFactory

    assert not customer_email_verified(user=CustomerFactory(verified=False).user)
