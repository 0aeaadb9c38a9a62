"""The desk's roles as Django groups, kept in step with workflow.ROLE_PERMISSIONS."""

from django.contrib.auth.models import Group, Permission

from claims.workflow import ROLE_PERMISSIONS


def ensure_roles(**_kwargs) -> None:
    """Create the groups and give them exactly their permissions. Safe to run again."""
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        permissions = Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        group.permissions.set(permissions)
