import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser

from django.conf import settings
from django.db import IntegrityError, transaction

from benchmarks.serving import child_environment


def refused_by_database(write: Callable[[], object]) -> bool:
    """Whether the database refuses `write` with an integrity error (rolled back either way)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def manage(database_url: str, *args: str) -> str:
    """Run manage.py against another database, as a separate process; its output."""
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=child_environment(DATABASE_URL=database_url, DEBUG="true"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# What a page says ---------------------------------------------------------------------------
# Tests of access assert what a page shows or what it refuses, never the status alone: a 200
# with an empty page, or a 403 that came from somewhere else, would pass a status check.


class _Page(HTMLParser):
    """A page's visible text, its main headings and its forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.headings: list[str] = []
        self.forms: list[tuple[str, str]] = []
        self._hidden = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        elif tag == "h1":
            self._heading = []
        elif tag == "form":
            found = dict(attrs)
            self.forms.append(((found.get("method") or "get").lower(), found.get("action") or ""))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "h1" and self._heading is not None:
            self.headings.append(squashed("".join(self._heading)))
            self._heading = None

    def handle_data(self, data):
        if self._hidden:
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def squashed(text: str) -> str:
    """Text with every run of white space as one space, as a reader sees it."""
    return " ".join(text.split())


def read_page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    page.close()
    return page


def page_text(response) -> str:
    """What a reader sees of an HTML page: its text, entities decoded, white space squashed."""
    return squashed(" ".join(read_page(response).text))


def page_forms(response) -> set[tuple[str, str]]:
    """(method, action) of each form on the page but the header's sign-out."""
    return {form for form in read_page(response).forms if form[1] != "/sign-out/"}


def shows(response, heading: str, *texts: str) -> str:
    """The page answered 200 with `heading` as its main heading and every one of `texts`
    in what a reader sees; returns that text."""
    assert all(texts), "an empty text is on every page: look for words"
    page = read_page(response)
    text = squashed(" ".join(page.text))
    assert response.status_code == 200, (response.status_code, page.headings)
    assert heading in page.headings, page.headings
    missing = [wanted for wanted in texts if squashed(wanted) not in text]
    assert missing == [], f"not on the page: {missing}"
    return text


# The service's own error pages (templates/errors/), by status.
REFUSALS = {
    400: "Sorry, there is a problem with your request",
    403: "You cannot see this page",
    404: "Page not found",
}


def refused(response, status: int, *absent: str, heading: str | None = None) -> str:
    """The service refused with its own page for `status` (its heading and what to do
    next), and none of `absent` (what the refused page must not reveal) is on it."""
    assert all(absent), "an empty text is on every page: look for words"
    page = read_page(response)
    text = squashed(" ".join(page.text))
    assert response.status_code == status, (response.status_code, page.headings)
    assert page.headings == [heading or REFUSALS[status]], page.headings
    revealed = [words for words in absent if squashed(words) in text]
    assert revealed == [], f"the refusal shows {revealed}"
    return text


def answered(response) -> tuple[int, str]:
    """(status, main heading): what a request was answered, for comparing many answers."""
    headings = read_page(response).headings
    return response.status_code, headings[0] if headings else ""
