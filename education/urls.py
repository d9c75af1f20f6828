from django.urls import path

from education import views

app_name = "education"
urlpatterns = [
    path("", views.index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search, name="search"),
    path("print/<slug:name>.pdf", views.printable_aid, name="printable_aid"),
    path("<slug:slug>/", views.guide, name="guide"),
    path("<slug:slug>/pdf/", views.guide_pdf, name="guide_pdf"),
]
