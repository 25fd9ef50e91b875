from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse

from portal.revisions import RevisionAdmin
from portal.roles import TRIAL_COORDINATORS
from trials.forms import MAX_STUDIES_PER_REQUEST, TrialAdminForm, TrialImportForm
from trials.models import Contact, Intervention, Outcome, Trial
from trials.services import trials_import

# Seconds one admin request may spend fetching from the registry, well inside the server's
# 30-second limit; NCT numbers left over are reported as not fetched.
REQUEST_TIME_LIMIT = 20


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("order", "time_frame"), "measure", "description"]


class InterventionInline(admin.TabularInline):
    model = Intervention
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Trial)
class TrialAdmin(RevisionAdmin):
    form = TrialAdminForm
    recover_for_superusers_only = True  # a deleted trial's coordinators are not known
    change_list_template = "admin/trials/trial/change_list.html"
    list_display = ["nct_id", "brief_title", "overall_status", "group", "status", "source",
                    "last_synced_at", "on_site"]
    list_filter = ["overall_status", "status", "source", "conditions", "care_sites"]
    search_fields = ["nct_id", "brief_title", "acronym", "official_title"]
    filter_horizontal = ["conditions", "care_sites", "coordinators"]
    readonly_fields = ["source", "last_synced_at", "registry_sites_count"]
    actions = ["refresh_from_registry"]
    inlines = [OutcomeInline, InterventionInline, ContactInline]
    fieldsets = [
        (None, {"fields": ["nct_id", "brief_title", "official_title", "acronym",
                           ("status", "publish_at")]}),
        ("For families", {"fields": ["plain_summary", "conditions", "care_sites"]}),
        ("Registry record", {"fields": [
            ("overall_status", "last_known_status"), "why_stopped", "brief_summary", "phases",
            "study_type", "registry_conditions", "keywords", "lead_sponsor",
            ("start_date", "start_date_type"),
            ("primary_completion_date", "primary_completion_date_type"), "last_update_posted",
            ("source", "last_synced_at"), "registry_sites_count",
        ]}),
        ("Eligibility", {"fields": ["eligibility_criteria", ("minimum_age", "maximum_age"),
                                    "sex", "healthy_volunteers", "std_ages"]}),
        ("Coordinators", {"fields": ["coordinators"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).coordinated_by(request.user)

    def kept_elsewhere(self, request, object_id):
        """For another coordinator's trial, a redirect that says so (Django would say it
        "doesn't exist"); None otherwise."""
        pk = unquote(object_id)
        if (not self.has_view_or_change_permission(request)
                or self.get_queryset(request).filter(pk=pk).exists()):
            return None
        trial = Trial.objects.filter(pk=pk).first()
        if trial is None:
            return None
        messages.warning(
            request,
            f"{trial.nct_id} is kept by another coordinator: ask them, or an administrator, "
            "to change it or to add you as a coordinator.",
        )
        return redirect("admin:trials_trial_changelist")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.kept_elsewhere(request, object_id) or super().change_view(
            request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self.kept_elsewhere(request, object_id) or super().delete_view(
            request, object_id, extra_context
        )

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.is_kept_by(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = get_user_model().objects.filter(
                groups__name=TRIAL_COORDINATORS
            ).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            form.instance.coordinators.add(request.user)  # never lock yourself out

    @admin.display(description="for families")
    def group(self, obj):
        return obj.status_group.label

    @admin.display(description="registry locations")
    def registry_sites_count(self, obj):
        return obj.registry_sites.count() if obj.pk else 0

    @admin.action(description="Refresh from ClinicalTrials.gov", permissions=["change"])
    def refresh_from_registry(self, request, queryset):
        if queryset.count() > MAX_STUDIES_PER_REQUEST:
            messages.error(request, f"Refresh at most {MAX_STUDIES_PER_REQUEST} trials at a time: "
                                    f"select fewer and run the action again.")
            return
        trials = [t for t in queryset if t.may_be_changed_by(request.user)]
        report(request, trials_import(nct_ids=[t.nct_id for t in trials], user=request.user,
                                      time_limit=REQUEST_TIME_LIMIT))

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="trials_trial_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = TrialImportForm(request.POST if posted else None, request.FILES if posted else None)
        result = None
        if posted and form.is_valid():
            result = trials_import(studies=form.cleaned_data["file"] or [],
                                   nct_ids=form.cleaned_data["nct_ids"], user=request.user,
                                   time_limit=REQUEST_TIME_LIMIT)
            report(request, result)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import trials from ClinicalTrials.gov",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "progress": result.steps if result else None,
            "changelist_url": reverse("admin:trials_trial_changelist"),
        }
        return render(request, "admin/trials/trial/import.html", context)


def report(request, result):
    if result.created or result.updated:
        messages.success(
            request,
            f"Created {len(result.created)}, updated {len(result.updated)} "
            f"from ClinicalTrials.gov. New trials are drafts: publish them when ready.",
        )
    for line in result.failure_lines():
        messages.error(request, line)
