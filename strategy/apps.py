from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy discussions and meetings"

    def ready(self) -> None:
        from cse_framework.timescales import listing
        from strategy.models import AgreedAction, StrategyDiscussion

        # A clock started by a discussion or an action shows the referral's reference.
        listing.register(
            StrategyDiscussion.objects.select_related("referral").only("referral__reference"),
            AgreedAction.objects.select_related("discussion__referral", "meeting__referral"),
        )
