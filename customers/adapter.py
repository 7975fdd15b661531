from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Project hooks into allauth's customer account flows."""

    def get_login_stages(self) -> list[str]:
        # Customer MFA runs after allauth's own stages (email verification etc.),
        # so every way allauth logs someone in passes through it.
        stages = super().get_login_stages()
        # MFA-STAGE: the MFA work appends its stage here.
        return stages
