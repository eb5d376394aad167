from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Unit, User


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "is_active"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    search_fields = ["code", "name"]
    inlines = [UnitInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Departments carry records and users; they are deactivated, never deleted.
        return False


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "is_active"]
    list_filter = ["department"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "department", "unit", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "full_name"]
    list_select_related = ["department", "unit"]
    raw_id_fields = ["subject"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email")}),
        (_("Role"), {"fields": ("role", "department", "unit", "subject")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Login"), {"fields": ("password_change_required", "login_help")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["login_help"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role"), {"fields": ("full_name", "role", "department", "unit")}),
    )

    @admin.display(description=_("Login help"))
    def login_help(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("user_security", args=[obj.pk]),
            _("Temporary password or lost authenticator"),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are the authors in the audit log; deactivate instead.
        return False
