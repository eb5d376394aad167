"""What the staff and portal pages of every app do the same way: refuse a role, answer 404 for an
object the user may not see, put a service's refusal on a form, and cut a list into pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    """A page the user's role may not open answers 403."""
    if not allowed:
        raise PermissionDenied(_("Your role cannot open this page."))


def found_or_404(obj, message):
    """``obj`` as a selector scoped to the user found it, or 404 with ``message``: another
    department's or subject's object answers as if it did not exist."""
    if obj is None:
        raise Http404(message)
    return obj


def errors_to_form(form, exc: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each message on its field (``fields`` names the form's
    field for one of the service's), anything else on the form as a whole."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for name, errors in items:
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def form_save(request, form, save, *, fields: dict[str, str] | None = None):
    """For a valid POST of ``form``, ``save()`` — the service — and what it returns; its refusal goes
    onto the form (``fields`` as for ``errors_to_form``). None when nothing valid was posted or the
    service refused: the page shows the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as exc:
        errors_to_form(form, exc, fields=fields)
        return None


class FirstPagePaginator(Paginator):
    """A paginator that reads the first page of a queryset with one row more than the page holds:
    when that page is the only one (a search by part of a name almost always finds a few subjects),
    the count is the number of rows and the ``COUNT(*)`` query that ``Paginator`` makes first is not
    made. Past the first page, or when the first page is full, it counts as ``Paginator`` does."""

    def _reads_first(self, number) -> bool:
        if "count" in self.__dict__ or self.orphans or not isinstance(self.object_list, QuerySet):
            return False
        try:
            return int(number) == 1
        except (TypeError, ValueError):
            return False

    def validate_number(self, number):
        # The first page always exists (an empty one says nothing was found): no count to check it.
        if self.allow_empty_first_page and self._reads_first(number):
            return 1
        return super().validate_number(number)

    def page(self, number):
        if not self._reads_first(number):
            return super().page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.count = len(rows)  # the cached property, known without a query
        return self._get_page(rows[: self.per_page], 1, self)


def paginate(
    request, queryset, *, params: QueryDict | None = None, size: int = PAGE_SIZE
) -> tuple[Page, str]:
    """The page of ``queryset`` asked for, and the list's other parameters (``params``, the query
    string by default) as a query string for the links to the other pages."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = (params if params is not None else request.GET).copy()
    query.pop("page", None)
    return page, query.urlencode()
