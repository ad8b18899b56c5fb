from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InmatesConfig(AppConfig):
    name = "inmates"
    verbose_name = _("Inmates (WBP)")

    def ready(self):
        from audit import visibility
        from inmates import lookups
        from inmates.models import Movement

        lookups.register()

        def people_held(*, regions, institutions):
            """The audit trail's people in scope (audit.visibility): everyone moved into those places."""
            where = Q(to_institution__region_id__in=regions) if regions else Q(pk__in=[])
            if institutions:
                where |= Q(to_institution_id__in=institutions)
            return Movement.objects.filter(where).values("admission__person_id")

        visibility.provide_people_held(people_held)
