from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy_admin import erase_personal_data, export_personal_data

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "organisation", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    autocomplete_fields = ["organisation"]
    actions = [export_personal_data, erase_personal_data]
    fieldsets = (
        # Django's UserAdmin sets fieldsets; the stubs keep ModelAdmin's Optional type.
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Videnbro"), {"fields": ("organisation", "role")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "digest", "created", "last_used"]
    search_fields = ["user__username", "prefix", "name"]
