from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from portal.notifications.email import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """Account emails in the recipient's preferred language, delivered through Celery."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        user = context.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        full_context = {"request": request, "email": email, "current_site": get_current_site(request)}
        full_context.update(context)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        email_queue(message=message)

    def login(self, request, user):
        """Logging in during the grace period of a requested deletion cancels it."""
        super().login(request, user)
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from .privacy import account_deletion_cancel

        if account_deletion_cancel(user=user):
            messages.info(request, _("You logged in, so your account will not be deleted."))
