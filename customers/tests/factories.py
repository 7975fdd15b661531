import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from customers.models import Customer, User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def restaurants(obj, create, extracted, **kwargs):
        if not create:
            return
        from orders.permissions import ensure_staff_group

        ensure_staff_group()
        obj.groups.add(Group.objects.get(name="Restaurant staff"))
        for restaurant in extracted or []:
            restaurant.staff.add(obj)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer whose email is verified and whose billing details are complete.

    ``CustomerFactory(verified=False)`` gives an unverified one.
    """

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")
    street = "Hauptstraße 1"
    postal_code = "10115"
    city = "Berlin"
    country = "DE"

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=obj.user, email=obj.user.email, primary=True, verified=extracted is not False
            )
