from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and the child register"

    def ready(self) -> None:
        from cse_framework.timescales import listing
        from referrals.models import Referral

        # A clock started by a referral shows its reference and links to it.
        listing.register(Referral.objects.only("id", "reference"))
