"""The desk's authentication backend: Django's ModelBackend, reading what every page asks in fewer queries.

Every signed-in request loads its user, compares the session's "sign out everywhere" count with
the user's (SessionLimitsMiddleware) and asks the workflow's roles, which are permissions. The
stock backend makes that three queries after the user's: the count, the user's own permissions,
then their groups'. Here the count comes with the user, as a subquery of the same row, and both
kinds of permission in one query. What is allowed is unchanged: the same permissions, the same
inactive and superuser rules (ModelBackend's `has_perm`, `with_perm` and the rest are inherited).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import OuterRef, Q, Subquery

from claims.models import SessionEpoch

# The attribute that carries the count read with the user (claims.services.accounts.session_epoch).
SESSION_EPOCH_ATTRIBUTE = "session_epoch_read"


class DeskBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            **{SESSION_EPOCH_ATTRIBUTE: Subquery(SessionEpoch.objects.filter(user=OuterRef("pk")).values("epoch")[:1])}
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.get_user)(user_id)

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions (all of them for a superuser), in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                # Two indexed subqueries (the user's grants, their groups' grants), not an OR across both
                # joins, which would join every user's grants before filtering.
                own = get_user_model().user_permissions.through.objects.filter(user=user_obj).values("permission_id")
                via_groups = Permission.objects.filter(group__user=user_obj).values("pk")
                permissions = Permission.objects.filter(Q(pk__in=own) | Q(pk__in=via_groups))
            pairs = permissions.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache
