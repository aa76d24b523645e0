"""New generation tokens for the people whose standing a write changed (see `standing_memory`): the account
row, a block, a verification and role memberships, whoever writes them (services, the admin, the shell).
Notifications renew their recipients' tokens themselves (`portal.notifications.services`): they are created
and read in bulk, without signals."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from portal.core.reader_generations import readers_changed

from .models import AccountBlock, IdentityVerification, User


def _account_changed(sender, instance, **kwargs) -> None:
    readers_changed([instance.pk])


def _owner_changed(sender, instance, **kwargs) -> None:
    readers_changed([instance.user_id])


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # person.groups.add(…), .remove(…), .clear()
        if action.startswith("post_"):
            readers_changed([instance.pk])
    elif action in ("post_add", "post_remove"):  # group.user_set.add(people…)
        readers_changed(pk_set or ())
    elif action == "pre_clear":  # group.user_set.clear(): its members, while they are still members
        readers_changed(instance.user_set.values_list("pk", flat=True))


def _group_deleted(sender, instance, **kwargs) -> None:
    # Deleting a role group removes its memberships by cascade, which sends no m2m signal.
    readers_changed(instance.user_set.values_list("pk", flat=True))


def watch() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_account_changed, sender=User, dispatch_uid=f"standing-{signal}-user")
        for model in (AccountBlock, IdentityVerification):
            signal.connect(_owner_changed, sender=model, dispatch_uid=f"standing-{signal}-{model.__name__}")
    m2m_changed.connect(_memberships_changed, sender=User.groups.through, dispatch_uid="standing-roles")
    pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="standing-role-group-deleted")
