from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared helpers as an app only so that their deployment checks are registered; it has
    no models, templates or URLs."""

    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from common import checks  # noqa: F401 - registers the deployment checks
