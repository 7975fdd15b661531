"""The allauth login stage that asks for the second factor.

allauth runs its login stages for *every* way it logs someone in (password
login, login after email confirmation, after a password reset, signup), so
hooking MFA in here (through ``AccountAdapter.get_login_stages``, after
allauth's own stages) covers them all. Until this stage is handled the
user is not logged in: the pending login only lives in the session stash.

Built on allauth's login-stage API (``allauth.account.stages``), which is
internal: requirements.txt pins django-allauth exactly for that reason.
"""

from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response

from customers.mfa.services import mfa_is_enabled

STAGE_KEY = "customers_mfa"


class MFAStage(LoginStage):
    key = STAGE_KEY
    urlname = "customers:mfa_verify"

    def handle(self):
        user = self.login.user
        if user is None or not mfa_is_enabled(user=user):
            return None, True
        self.state["required"] = True
        # cont=True: allauth stashes the login and our verify view resumes it.
        return headed_redirect_response(self.urlname), True
