"""Public guide pages: index, guide, glossary, search, a guide as PDF, and the printable aids."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from education.models import TOPICS, GlossaryTerm, Guide
from education.rendering import define_terms_for_print, split_visit_questions, table_of_contents
from education.search import search as run_search
from fsgs_portal.pdf import GUIDE_STYLESHEETS, pdf_response, render_pdf

LISTING_FIELDS = ("slug", "title", "summary", "topic", "order")


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


def topic_groups(guides):
    return [(topic, list(items)) for topic, items in groupby(guides, key=lambda g: g.topic)]


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    guides = Guide.objects.in_reading_order().only(*LISTING_FIELDS)
    return render(request, "education/index.html", {"groups": topic_groups(guides)})


def guide_context(slug: str) -> dict:
    guide = get_object_or_404(Guide, slug=slug)
    listing = list(Guide.objects.in_reading_order().only(*LISTING_FIELDS))
    position = next(i for i, item in enumerate(listing) if item.slug == guide.slug)
    by_slug = {item.slug: item for item in listing}
    return {
        "guide": guide,
        "toc": table_of_contents(guide.body_html),
        "related": [by_slug[slug] for slug in guide.related if slug in by_slug],
        "previous": listing[position - 1] if position > 0 else None,
        "next": listing[position + 1] if position + 1 < len(listing) else None,
        "aids": [PRINTABLE_AIDS[name] for name in AIDS_FOR_GUIDE.get(guide.slug, ())],
    }


@login_not_required
@require_safe
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    context = guide_context(slug)
    context["parts"] = split_visit_questions(context["guide"].body_html)
    return render(request, "education/guide.html", context)


@login_not_required
@require_safe
def guide_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    context = guide_context(slug)
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
    # Sorted here, not in SQL: databases differ on where "eGFR" goes among capitals.
    terms = sorted(GlossaryTerm.objects.all(), key=lambda term: term.term.lower())
    letters = [
        (letter, list(items)) for letter, items in groupby(terms, lambda t: t.term[0].upper())
    ]
    return render(request, "education/glossary.html", {"letters": letters})


@login_not_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = run_search(query) if query.strip() else None
    context = {"query": query, "results": results, "topics": TOPICS}
    if results is not None and results.count == 0:
        context["suggestions"] = GlossaryTerm.objects.filter(
            slug__in=["proteinuria", "edema", "plasmapheresis", "biopsy", "remission", "dipstick"]
        )
        context["groups"] = topic_groups(Guide.objects.in_reading_order().only(*LISTING_FIELDS))
    return render(request, "education/search.html", context)
