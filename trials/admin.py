from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from portal.admin_views import ReadOnlyAdmin, VisibleChoicesMixin, VisibleRelatedListFilter
from portal.forms import PhoneCheckedForm
from portal.review_admin import DraftAdminMixin
from portal.revisions import RevisionAdmin
from portal.roles import TRIAL_COORDINATORS
from trials.forms import MAX_STUDIES_PER_JOB, TrialAdminForm, TrialImportForm
from trials.models import (
    Contact,
    ImportJob,
    Intervention,
    Outcome,
    RefreshRun,
    RegistryChange,
    Trial,
)
from trials.tasks import run_import_job


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("order", "time_frame"), "measure", "description"]


class InterventionInline(admin.TabularInline):
    model = Intervention
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    form = PhoneCheckedForm
    extra = 0


REGISTRY_OWNS = (
    "For a trial imported from ClinicalTrials.gov, the registry's record (the titles, this "
    "section, eligibility, outcomes, interventions and contacts) is written again by each "
    "refresh, into a pending draft too: correct it in the registry. What is written here for "
    "families stays.")


@admin.register(Trial)
class TrialAdmin(VisibleChoicesMixin, DraftAdminMixin, RevisionAdmin):
    form = TrialAdminForm

    recover_for_superusers_only = True  # a deleted trial's coordinators are not known
    change_list_template = "admin/trials/trial/change_list.html"
    # The publishing state ("Live with changes"...) is added by DraftAdminMixin.
    list_display = ["nct_id", "brief_title", "overall_status", "group", "source",
                    "last_synced_at", "in_registry", "on_site"]
    list_filter = ["overall_status", "status", "source",
                   ("registry_missing_since", admin.EmptyFieldListFilter),
                   ("conditions", VisibleRelatedListFilter),
                   ("care_sites", VisibleRelatedListFilter)]
    # Coordinators pick only published conditions and care sites (the public names).
    visible_choice_fields = ["conditions", "care_sites"]
    search_fields = ["nct_id", "brief_title", "acronym", "official_title"]
    filter_horizontal = ["conditions", "care_sites", "coordinators"]
    readonly_fields = ["source", "last_synced_at", "registry_missing_since",
                       "registry_sites_count", "registry_changes_link"]
    actions = ["refresh_from_registry"]
    inlines = [OutcomeInline, InterventionInline, ContactInline]
    fieldsets = [
        (None, {"fields": ["nct_id", "brief_title", "official_title", "acronym",
                           ("status", "publish_at", "unpublish_at")]}),
        ("For families", {"fields": ["plain_summary", "conditions", "care_sites"]}),
        ("Registry record", {"description": REGISTRY_OWNS, "fields": [
            ("overall_status", "last_known_status"), "why_stopped", "brief_summary", "phases",
            "study_type", "registry_conditions", "keywords", "lead_sponsor",
            ("start_date", "start_date_type"),
            ("primary_completion_date", "primary_completion_date_type"), "last_update_posted",
            ("source", "last_synced_at"), "registry_missing_since", "registry_sites_count",
            "registry_changes_link",
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
        if (not self.has_view_or_change_permission(request)
                or self.get_object(request, unquote(object_id)) is not None):
            return None
        try:
            trial = Trial.objects.get(pk=Trial._meta.pk.to_python(unquote(object_id)))
        except (Trial.DoesNotExist, ValidationError):
            return None  # no such trial: Django's own view says so
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

    def review_view(self, request, object_id):
        return self.kept_elsewhere(request, object_id) or super().review_view(
            request, object_id
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

    def last_changes(self, obj):
        refreshed = [(obj.last_synced_at, "a refresh from ClinicalTrials.gov")]
        return [*super().last_changes(obj), *(refreshed if obj.last_synced_at else [])]

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

    @admin.display(description="in the registry")
    def in_registry(self, obj):
        if obj.registry_missing_since:
            return f"Missing since {obj.registry_missing_since:%Y-%m-%d}"
        return "Yes" if obj.source == Trial.Source.CTGOV else "-"

    @admin.display(description="changed by the registry")
    def registry_changes_link(self, obj):
        if not obj.pk:
            return "-"
        count = obj.registry_changes.count()
        url = reverse("admin:trials_registrychange_changelist") + f"?trial__id__exact={obj.pk}"
        return format_html('<a href="{}">{} change{} recorded by refreshes</a>', url, count,
                           "" if count == 1 else "s")

    @admin.action(description="Refresh from ClinicalTrials.gov", permissions=["change"])
    def refresh_from_registry(self, request, queryset):
        if queryset.count() > MAX_STUDIES_PER_JOB:
            messages.error(request, f"Refresh at most {MAX_STUDIES_PER_JOB:,} trials at a time: "
                                    f"select fewer and run the action again.")
            return None
        nct_ids = [t.nct_id for t in queryset.order_by("nct_id")
                   if t.may_be_changed_by(request.user)]
        if not nct_ids:
            messages.error(request, "None of the selected trials is yours to refresh.")
            return None
        job = ImportJob.objects.create(user=request.user, kind=ImportJob.Kind.REFRESH,
                                       nct_ids=nct_ids, total=len(nct_ids))
        return job_start(job)

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
        form = TrialImportForm(request.POST if posted else None, request.FILES if posted else None,
                               user=request.user)
        if posted and form.is_valid():
            studies = form.cleaned_data["file"] or []
            nct_ids = form.cleaned_data["nct_ids"]
            upload = request.FILES.get("file")
            job = ImportJob.objects.create(
                user=request.user, kind=ImportJob.Kind.FILE if studies else ImportJob.Kind.NCT_IDS,
                upload=form.upload_text if studies else "", nct_ids=nct_ids,
                total=len(studies) + len(nct_ids),
                file_name=upload.name[:255] if upload and studies else "",
            )
            return job_start(job)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import trials from ClinicalTrials.gov",
            "opts": self.model._meta,
            "form": form,
            "changelist_url": reverse("admin:trials_trial_changelist"),
            "jobs_url": reverse("admin:trials_importjob_changelist"),
        }
        return render(request, "admin/trials/trial/import.html", context)


def job_start(job):
    """Queue an import job for a task worker, and show its page."""
    run_import_job.enqueue(job.pk)
    return HttpResponseRedirect(job.get_absolute_url())


class TrialRecordAdmin(ReadOnlyAdmin):
    """Records of imports and refreshes: read only, but superusers may clear them away."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ImportJob)
class ImportJobAdmin(TrialRecordAdmin):
    """Import jobs: each person sees only their own (superusers see all)."""

    list_display = ["__str__", "kind", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    change_form_template = "admin/trials/importjob/job.html"

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "user"] if request.user.is_superuser else shown

    def get_queryset(self, request):
        jobs = super().get_queryset(request).select_related("user").defer("upload")
        return jobs if request.user.is_superuser else jobs.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser
                            or obj.user_id == request.user.pk)

    @admin.display(description="studies done")
    def progress(self, obj):
        return f"{obj.done} / {obj.total}"

    def get_urls(self):
        return [
            path("<path:object_id>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="trials_importjob_progress"),
            *super().get_urls(),
        ]

    def job_for(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = self.get_object(request, unquote(object_id))
        if job is None:
            raise Http404("No such import job.")
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.job_for(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import {job.pk}",
            "subtitle": None,
            "opts": self.model._meta,
            "job": job,
            "progress_url": reverse("admin:trials_importjob_progress", args=[job.pk]),
            "import_url": reverse("admin:trials_trial_import"),
            "created": job.created_trials(),
            "updated": job.updated_trials(),
        }
        return render(request, self.change_form_template, context)

    def progress_view(self, request, object_id):
        job = self.job_for(request, object_id)
        return JsonResponse({
            "status": job.status, "status_label": job.get_status_display(),
            "finished": job.finished, "done": job.done, "total": job.total,
            "errors": len(job.errors), "summary": job.summary,
        }, headers={"Cache-Control": "no-store"})


@admin.register(RegistryChange)
class RegistryChangeAdmin(TrialRecordAdmin):
    """The registry's changes to what families see; coordinators see their own trials'."""

    list_display = ["changed_at", "trial_link", "field", "before", "after"]
    list_filter = ["field"]
    search_fields = ["trial__nct_id", "trial__brief_title"]
    date_hierarchy = "changed_at"

    def get_queryset(self, request):
        changes = super().get_queryset(request).select_related("trial")
        if request.user.is_superuser:
            return changes
        return changes.filter(trial__coordinators=request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.trial.is_kept_by(request.user))

    def lookup_allowed(self, lookup, value, request=None):
        # The link on a trial's change page: its changes alone.
        return lookup == "trial__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="trial", ordering="trial__nct_id")
    def trial_link(self, obj):
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:trials_trial_change", args=[obj.trial_id]),
                           obj.trial.nct_id)


@admin.register(RefreshRun)
class RefreshRunAdmin(TrialRecordAdmin):
    """The nightly refreshes, for superusers: counts, and the errors of a failed night."""

    list_display = ["__str__", "finished_at", "total", "updated", "changed", "missing", "failed"]
    list_filter = ["failed"]
    fields = ["started_at", "finished_at", "total", "updated", "changed", "missing", "failed",
              "error_lines"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="errors")
    def error_lines(self, obj):
        return "\n".join(obj.errors) or "-"
