from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.sessions import staff_session_opened


class StaffLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser language")), *settings.LANGUAGES],
        required=False,
        help_text=_("The admin and the staff sign-in pages appear in this language."),
    )


class StaffAdminSite(admin.AdminSite):
    """The admin, signed into only through the staff (two_factor) login.

    Only sessions opened by the staff login count (``common.sessions``):
    a staff account that signs in through the customer login gets the admin
    login page, so the admin is always behind the staff login's limits. With
    ``STAFF_REQUIRE_MFA`` every admin page also needs a session verified with
    a second factor (django-otp's ``is_verified``), like two_factor's
    ``AdminSiteOTPRequired``; that class sends people to ``LOGIN_URL``, which
    here is the customer login, so the redirect is ours.
    """

    site_header = _("QR Table Ordering · Staff")
    site_title = _("QR Table Ordering staff")
    index_title = _("Your restaurant")
    # "View site" leads to the front page, not to a bare "/".
    site_url = reverse_lazy("home")

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if not staff_session_opened(request):
            return False  # e.g. a staff account signed in through the customer login
        if settings.STAFF_REQUIRE_MFA:
            return request.user.is_verified()
        return True

    def login(self, request, extra_context=None):
        redirect_to = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(redirect_to, reverse("two_factor:login"))

    def get_urls(self):
        # Django's "view on site" shortcut fetches any object by id for any staff
        # member; ours answers only for objects the member may view in the admin.
        scoped = path(
            "r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        language = path("language/", self.admin_view(self.staff_language), name="staff_language")
        return [
            scoped,
            language,
            *(url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"),
        ]

    def staff_language(self, request):
        """The staff member's own admin language (``User.language``; empty: the browser's)."""
        form = StaffLanguageForm(request.POST or None, initial={"language": request.user.language})
        if request.method == "POST" and form.is_valid():
            request.user.language = form.cleaned_data["language"]
            request.user.save(update_fields=["language"])
            # The confirmation in the language just chosen (the browser's if emptied).
            translation.activate(request.user.language or translation.get_language_from_request(request))
            messages.success(request, _("Your admin language is saved."))
            return redirect("admin:index")
        context = {
            **self.each_context(request),
            "title": _("Your admin language"),
            "form": form,
        }
        return TemplateResponse(request, "admin/staff_language.html", context)

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's public page, or 404 unless the admin lists it for this user."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):
            obj = None
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
