"""Public guide pages: index, guide, glossary, search, a guide as PDF, and the printable aids."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from education.models import TOPICS, GlossaryTerm, Guide, Language, reverse_in
from education.readability import inflesz_level
from education.rendering import define_terms_for_print, split_visit_questions, table_of_contents
from education.search import fold
from education.search import search as run_search
from fsgs_portal.pdf import GUIDE_STYLESHEETS, pdf_response, render_pdf

LISTING_FIELDS = ("slug", "language", "title", "summary", "topic", "order")


@dataclass(frozen=True)
class PrintableAid:
    name: str
    template: str
    title: str


# One-page PDFs to print and keep (issue #16).
PRINTABLE_AIDS = {
    aid.name: aid
    for aid in (
        PrintableAid(
            "when-to-call-card", "pdf/aid_when_to_call.html", _("When to call: a card to keep")
        ),
        PrintableAid(
            "swelling-and-dipstick-chart",
            "pdf/aid_fridge_chart.html",
            _("Swelling and dipstick: a chart to keep"),
        ),
    )
}
# The guides that offer them, in the order their links show.
AIDS_FOR_GUIDE = {
    "when-to-call": ("when-to-call-card", "swelling-and-dipstick-chart"),
    "home-monitoring": ("swelling-and-dipstick-chart", "when-to-call-card"),
}
PAPERS = ("a4", "letter")


# The link to a page's translation is written in the language it leads to, whatever the page's.
READ_IN = {Language.ENGLISH: "Read in English", Language.SPANISH: "Leer en español"}


@dataclass(frozen=True)
class Alternate:
    """The same page in another language, for <link rel="alternate" hreflang> and a visible link."""

    language: str
    url: str
    absolute_url: str

    @property
    def read_in(self) -> str:
        return READ_IN[self.language]


def alternates(request: HttpRequest, languages, viewname: str, **kwargs) -> dict:
    """The page in each of `languages` (its own included), and the one for x-default (English)."""
    found = []
    for code, _name in Language.choices:
        if code in languages:
            url = reverse_in(code, viewname, **kwargs)
            found.append(Alternate(code, url, request.build_absolute_uri(url)))
    current = get_language()
    return {
        "alternates": found if len(found) > 1 else [],
        "x_default": next((a for a in found if a.language == Language.ENGLISH), None),
        "translations": [a for a in found if a.language != current],
    }


def listing(language: str):
    return Guide.objects.in_language(language).in_reading_order().only(*LISTING_FIELDS)


def topic_groups(guides):
    return [(topic, list(items)) for topic, items in groupby(guides, key=lambda g: g.topic)]


ALL_LANGUAGES = [code for code, _name in Language.choices]


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    context = {"groups": topic_groups(listing(get_language()))}
    context.update(alternates(request, ALL_LANGUAGES, "education:index"))
    return render(request, "education/index.html", context)


def guide_context(slug: str, language: str = Language.ENGLISH) -> dict:
    guide = get_object_or_404(Guide, slug=slug, language=language)
    # Every language's listing in one query: this one's for the pager, the others' for links.
    everything = Guide.objects.in_reading_order().only(*LISTING_FIELDS)
    listing_ = [item for item in everything if item.language == language]
    position = next(i for i, item in enumerate(listing_) if item.slug == guide.slug)
    by_slug = {item.slug: item for item in listing_}
    return {
        "guide": guide,
        "languages": {item.language for item in everything if item.slug == slug},
        "toc": table_of_contents(guide.body_html),
        "related": [by_slug[slug] for slug in guide.related if slug in by_slug],
        "previous": listing_[position - 1] if position > 0 else None,
        "next": listing_[position + 1] if position + 1 < len(listing_) else None,
        "aids": [PRINTABLE_AIDS[name] for name in AIDS_FOR_GUIDE.get(guide.slug, ())],
        "ease_level": (
            gettext(inflesz_level(guide.szigriszt_pazos))
            if guide.szigriszt_pazos is not None
            else ""
        ),
    }


@login_not_required
@require_safe
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    context = guide_context(slug, get_language())
    context["parts"] = split_visit_questions(context["guide"].body_html)
    context.update(alternates(request, context["languages"], "education:guide", slug=slug))
    return render(request, "education/guide.html", context)


@login_not_required
@require_safe
def guide_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    context = guide_context(slug, get_language())
    context["print_body"] = define_terms_for_print(context["guide"].body_html)
    document = render_to_string("pdf/guide.html", context, request=request)
    return pdf_response(render_pdf(document, GUIDE_STYLESHEETS), f"fsgs-guide-{slug}.pdf")


@login_not_required
@require_safe
def printable_aid(request: HttpRequest, name: str) -> HttpResponse:
    """A one-page aid as PDF, on A4 or (?paper=letter) US Letter."""
    if name not in PRINTABLE_AIDS:
        raise Http404("No such printable aid.")
    paper = request.GET.get("paper") if request.GET.get("paper") in PAPERS else "a4"
    document = render_to_string(PRINTABLE_AIDS[name].template, {"paper": paper}, request=request)
    return pdf_response(render_pdf(document, GUIDE_STYLESHEETS), f"fsgs-{name}-{paper}.pdf")


@login_not_required
@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    # Sorted here, not in SQL: databases differ on where "eGFR" goes among capitals. Accents
    # do not count, so "Ácido" sits under A (Spanish dictionaries do the same).
    terms = sorted(
        GlossaryTerm.objects.filter(language=get_language()),
        key=lambda term: fold(term.term.lower()),
    )
    letters = [
        (letter, list(items)) for letter, items in groupby(terms, lambda t: fold(t.term[0]).upper())
    ]
    context = {"letters": letters}
    context.update(alternates(request, ALL_LANGUAGES, "education:glossary"))
    return render(request, "education/glossary.html", context)


@login_not_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    language = get_language()
    results = run_search(query, language) if query.strip() else None
    context = {"query": query, "results": results, "topics": TOPICS}
    if results is not None and results.count == 0:
        context["suggestions"] = GlossaryTerm.objects.filter(
            language=language,
            slug__in=["proteinuria", "edema", "plasmapheresis", "biopsy", "remission", "dipstick"],
        )
        context["groups"] = topic_groups(listing(language))
    return render(request, "education/search.html", context)
