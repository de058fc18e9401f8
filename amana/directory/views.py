from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.directory import selectors, services
from amana.directory.forms import DirectoryFilterForm, EntryWordsForm
from amana.directory.models import TEXT_FIELDS, words_in

PAGE_SIZE = 30
# Who keeps the directory's words: the admins who keep organisations and members.
EDITORS = (Role.ORG_ADMIN, Role.SYSTEM_ADMIN)


@require_GET
@require_roles()
def directory(request: HttpRequest) -> HttpResponse:
    """The directory for every signed-in staff member, in the reader's language; admins keep its words."""
    form = DirectoryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.directory(district=filters.get("area", ""), kind=filters.get("kind", ""))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_edit": request.user.has_role(*EDITORS),  # type: ignore[union-attr]  # our User
        "languages": settings.LANGUAGES,
    }
    return render(request, "directory/directory.html", context)


def _language_or_404(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    return language


@require_http_methods(["GET", "POST"])
@require_roles(*EDITORS)
def entry_words(request: HttpRequest, service_id: int, language: str) -> HttpResponse:
    """Enter or correct an entry's words in one language, giving the reason."""
    language = _language_or_404(language)
    service = selectors.entry_for_correction(service_id)
    words = words_in(service, language)
    form = EntryWordsForm(request.POST or None, initial={field: getattr(words, field) for field in TEXT_FIELDS})
    for field in TEXT_FIELDS:  # typed in the language being entered, whatever the page's
        form.fields[field].widget.attrs |= {"lang": language, "dir": "auto"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_entry_text(
                actor=request.user,  # type: ignore[arg-type]  # require_roles signed her in
                service=service,
                language=language,
                words=data,
                reason=data["reason"],
            )
        except services.CorrectionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The words of the entry were saved."))
            return redirect("directory:list")
    context = {
        "form": form,
        "service": service,
        "language": language,
        "language_name": dict(settings.LANGUAGES)[language],
        "corrections": selectors.corrections_of(service),
    }
    return render(request, "directory/entry_words.html", context, status=400 if form.errors else 200)
