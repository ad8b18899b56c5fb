"""Regions, institutions and agencies, each list and page scoped by ``visible_to(user)``."""

from django.conf import settings
from django.db.models import Q
from django.views.generic import DetailView, ListView

from institutions.models import Agency, Institution, Region, with_custody_counts


class ScopedListView(ListView):
    """A paginated list starting from the model's visible_to(user), with an optional ?q= search."""

    search_fields: tuple[str, ...] = ()
    paginate_by = settings.PAGE_SIZE

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        queryset = self.base_queryset()
        query = self.request.GET.get("q", "").strip()
        if query and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.request.GET.get("q", "").strip(), **kwargs)


class ScopedDetailView(DetailView):
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class RegionList(ScopedListView):
    model = Region
    search_fields = ("name", "province", "code")

    def base_queryset(self):
        return super().base_queryset().with_institution_count()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = with_custody_counts(page.object_list)
        return context


class RegionDetail(ScopedDetailView):
    model = Region

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            institutions=Institution.objects.visible_to(user)
            .filter(region=self.object)
            .with_custody_counts(),
            agencies=Agency.objects.visible_to(user)
            .filter(region=self.object)
            .select_related("region", "parent"),
            **kwargs,
        )


class InstitutionList(ScopedListView):
    model = Institution
    search_fields = ("name", "city", "code")

    def base_queryset(self):
        queryset = super().base_queryset().select_related("region").with_custody_counts()
        kind = self.request.GET.get("kind", "")
        if kind in Institution.Kind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=Institution.Kind.choices, selected_kind=self.request.GET.get("kind", ""), **kwargs
        )


class InstitutionDetail(ScopedDetailView):
    model = Institution

    def get_queryset(self):
        return super().get_queryset().select_related("region").with_custody_counts()


class AgencyList(ScopedListView):
    model = Agency
    search_fields = ("name", "city", "code")

    def base_queryset(self):
        queryset = super().base_queryset().select_related("region", "parent")
        kind = self.request.GET.get("kind", "")
        if kind in Agency.Kind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=Agency.Kind.choices, selected_kind=self.request.GET.get("kind", ""), **kwargs
        )


class AgencyDetail(ScopedDetailView):
    model = Agency

    def get_queryset(self):
        return super().get_queryset().select_related("region", "parent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            children=Agency.objects.visible_to(self.request.user)
            .filter(parent=self.object)
            .select_related("region", "parent"),
            **kwargs,
        )
