from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from threadline.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the log has no edit or delete path anywhere."""

    list_display = ["id", "occurred_at", "actor_label", "action", "client", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["action", "actor_label", "request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
