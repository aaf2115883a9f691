"""PDF documents, rendered offline by WeasyPrint from our own HTML and CSS (never a URL
back into the running app)."""

from functools import cache

from django.conf import settings

REPORT_CSS = settings.BASE_DIR / "templates" / "actions" / "report.css"


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(REPORT_CSS))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when needed: it loads system libraries

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[_stylesheet()])
