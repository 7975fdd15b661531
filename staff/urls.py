"""The staff sign-in pages, mounted under /admin/ by ``config/urls.py``."""

from django.urls import path
from two_factor import views as tf

from staff.views import StaffBackupTokensView, StaffDisableView, StaffLoginView, StaffSetupView, staff_required

# URL names and namespace are two_factor's, so its views reverse them as usual.
urlpatterns = (
    [
        path("login/", StaffLoginView.as_view(), name="login"),
        path("mfa/", staff_required(tf.ProfileView.as_view()), name="profile"),
        path("mfa/setup/", staff_required(StaffSetupView.as_view()), name="setup"),
        path("mfa/qrcode/", staff_required(tf.QRGeneratorView.as_view()), name="qr"),
        path("mfa/setup/complete/", staff_required(tf.SetupCompleteView.as_view()), name="setup_complete"),
        path("mfa/backup-codes/", staff_required(StaffBackupTokensView.as_view()), name="backup_tokens"),
        path("mfa/disable/", staff_required(StaffDisableView.as_view()), name="disable"),
    ],
    "two_factor",
)
