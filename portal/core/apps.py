from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisteringAppConfig(AppConfig):
    """An app of ours: once every app is loaded, its `registrations.register()` tells the lower layers what it
    needs from them (see `portal.core.registries`). Models can be imported only then, hence not at import.

    Not a default itself: Django picks the one config of an app's `apps.py` marked `default`, and this class
    is visible there too."""

    default = False
    # Modules of the app that register something as they are imported (a `checks` module, its system checks).
    imported_when_ready: tuple[str, ...] = ()

    def ready(self):
        import_module(f"{self.name}.registrations").register()
        for module in self.imported_when_ready:
            import_module(f"{self.name}.{module}")


class CoreConfig(RegisteringAppConfig):
    default = True
    name = "portal.core"
    label = "core"
    verbose_name = _("Portal core")
    imported_when_ready = ("checks",)  # the checks of the settings and of the deployment
