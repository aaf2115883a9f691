"""Hostile values sent to every page, as the people most able to reach every page: no value
a user sends produces a server error, and a POST that is not accepted changes no row.

The pages come from the URL configuration and their fields from the pages themselves (each
GET page's forms and links, parsed as a browser would), so a page or a field added later is
walked without editing this file. Path parameters get real Southampton objects and hostile
values; query parameters and form fields get values built to break parsers, databases and
templates: NUL bytes, overflowing numbers and dates, very long text, slashes, dots,
percent-encodings and unicode. Runs on SQLite and on PostgreSQL (where NUL bytes matter)."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.db.models.functions import Length
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action
from recommendations.models import Recommendation, Review

from .test_url_access import walk

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "%00",
    "9" * 30,
    "99999999999999999999",
    "-1",
    "0",
    "1e400",
    "NaN",
    "1.5",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2018-02-30",
    "x" * 10_000,
    "/",
    "a/b",
    "../..",
    ".",
    "..",
    "%2F",
    "%252F",
    "%",
    "é/ü",
    "\u202e",
    "😀",
    "١٢",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=1+1",
    "",
    " ",
    "\r\n",
]
HOSTILE_VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
HOSTILE_FILES = st.builds(
    SimpleUploadedFile,
    st.sampled_from(["x.yaml", "x.xlsx", "x.csv", "../../x.yaml", "a%00.yaml", "x" * 300]),
    st.sampled_from([b"", b"[" * 5000, b"\x00\xff", b"=1+1,@x\n", b"PK\x03\x04rest", b"a: b"]),
)
# Query parameters tried on every page, besides those its forms and links show.
ALWAYS_ASKED = ("page", "as_at", "q", "next")
# Stay bounded: the whole file runs in well under two minutes on SQLite.
EXAMPLES_PER_PAGE = 8

ROUTES = [
    (route, pattern)
    for route, pattern in walk(get_resolver().url_patterns)
    # The Django admin is Django's own, for the service's operators only.
    if not route.startswith("django-admin/")
]
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


class Forms(HTMLParser):
    """The forms of a page (method, action and fields with a valid value each) and the query
    parameter names its links use."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.link_params: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and "?" in attrs.get("href", ""):
            self.link_params |= {k for k, _ in parse_qsl(urlsplit(attrs["href"]).query, True)}
        elif tag == "form":
            self.forms.append(
                {
                    "method": attrs.get("method", "get").lower(),
                    "action": attrs.get("action", ""),
                    "fields": {},
                    "files": set(),
                }
            )
        elif tag == "option" and self._select and self.forms:
            # The first option is the valid value the form is sent with.
            fields = self.forms[-1]["fields"]
            fields[self._select] = fields[self._select] or attrs.get("value", "")
        elif not self.forms or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") == "file":
            self.forms[-1]["files"].add(attrs["name"])
        elif tag in {"input", "textarea", "button"}:
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.forms[-1]["fields"].setdefault(attrs["name"], "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


def real_kwargs() -> dict[str, str]:
    """Path parameters filled with real Southampton objects."""
    action = Action.objects.select_related("review__organisation", "recommendation").get(
        review__slug="cpc-2017", ref="6.3-a"
    )
    from recommendations.models import ReviewImport

    upload = ReviewImport.objects.order_by("pk").first()
    return {
        "organisation_slug": action.review.organisation.slug,
        "review_slug": action.review.slug,
        "number": action.recommendation.number,
        "ref": action.ref,
        "pk": str(upload.pk if upload else 1),
        "uidb64": "MQ",
        "token": "set-password",
    }


def fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.groups()
        default = "1" if converter == "int" else "x"
        return quote(values.get(name, default), safe="")

    return "/" + CONVERTER.sub(value, route)


def fingerprint() -> tuple:
    """What an accepted change would alter: every row count of the service's own data, and
    the state fields that change in place."""
    own = {"recommendations", "actions", "tracker", "auth"}
    counts = tuple(
        model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in own and not model._meta.proxy
    )
    return (
        counts,
        Action.objects.aggregate(Sum("version"))["version__sum"],
        Review.objects.filter(is_published=True).count(),
        Recommendation.objects.aggregate(n=Sum(Length("text")))["n"],
    )


def read(response) -> None:
    """Exports stream: an error in a row happens while the body is read."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def sign_in(client: Client, user) -> None:
    """Signed in and past two factors, again after a page signed the user out."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if client.session.get("_auth_user_id") == str(user.pk):
        return
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def walk_as(user) -> tuple[list[str], list[str]]:
    """Send hostile values to every page as `user`: the pages walked, and what failed on
    each (the smallest request that did), so that one run names every server error."""
    client = Client()
    real = real_kwargs()
    walked, failures = [], []
    for route, _pattern in ROUTES:
        sign_in(client, user)
        url = fill(route, real)
        first = client.get(url)
        read(first)
        assert first.status_code < 500, url
        html = first.content.decode(errors="replace") if not first.streaming else ""
        found = page_forms(html) if "text/html" in first.get("Content-Type", "") else Forms()
        params = sorted(
            found.link_params
            | set(ALWAYS_ASKED)
            | {n for f in found.forms if f["method"] == "get" for n in f["fields"]}
        )
        posts = [f for f in found.forms if f["method"] == "post"] or [
            {"action": "", "fields": {"note": ""}, "files": set()}
        ]
        path_names = [name for _, name in CONVERTER.findall(route)]
        try:
            send_hostile_values(client, user, url, route, real, params, posts, path_names)
        except Exception as error:  # reported below, with the request that failed
            # Hypothesis notes the values it drew for the smallest failing request.
            notes = "\n".join(getattr(error, "__notes__", [])).splitlines()
            drawn = "; ".join(line.strip() for line in notes if line.strip().startswith("Draw"))
            failures.append(f"{route}: {type(error).__name__}: {error} [{drawn}]")
        walked.append(route)
    return walked, failures


def send_hostile_values(client, user, url, route, real, params, posts, path_names):
    @settings(
        max_examples=EXAMPLES_PER_PAGE,
        deadline=None,
        database=None,
        # The same values every run: a failure is reproduced by running the test again.
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def send(data):
        sign_in(client, user)
        target = url
        if path_names and data.draw(st.booleans(), label="hostile path"):
            name = data.draw(st.sampled_from(path_names), label="path parameter")
            target = fill(route, {**real, name: data.draw(HOSTILE_VALUES, label=name)})
        if data.draw(st.booleans(), label="post"):
            form = data.draw(st.sampled_from(posts), label="form")
            fields = {
                name: data.draw(st.one_of(st.just(valid), HOSTILE_VALUES), label=name)
                for name, valid in form["fields"].items()
            }
            for name in form["files"]:
                fields[name] = data.draw(HOSTILE_FILES, label=name)
            action = urljoin(target, form["action"]) if target == url else target
            before = fingerprint()
            response = client.post(action, fields)
            read(response)
            assert response.status_code < 500, (action, fields)
            if not 300 <= response.status_code < 400:
                assert fingerprint() == before, (action, response.status_code)
        else:
            query = {
                name: data.draw(HOSTILE_VALUES, label=name)
                for name in data.draw(st.sets(st.sampled_from(params), max_size=4), label="asked")
            }
            response = client.get(target, query)
            read(response)
            assert response.status_code < 500, (target, query)

    send()


@pytest.fixture
def an_upload(southampton, make_user):
    """One upload waiting for its confirm, so that the import pages have a real object."""
    from recommendations.imports.services import preview_upload
    from tests.recommendations.samples import VALID

    text = VALID.replace("slug: testshire", "slug: southampton")
    preview_upload(
        by=make_user("uploader", "Admin", organisation=None),
        file_name="testshire.yaml",
        content=text.encode(),
        details=None,
    )


def test_no_hostile_value_gives_a_server_error_to_a_programme_office(an_upload, programme_office):
    walked, failures = walk_as(programme_office)

    assert failures == []
    assert walked == [route for route, _ in ROUTES]


def test_no_hostile_value_gives_a_server_error_to_an_lga_wide_admin(an_upload, make_user):
    walked, failures = walk_as(make_user("lga_admin", "Admin", organisation=None))

    assert failures == []
    assert walked == [route for route, _ in ROUTES]


def test_the_walk_finds_the_forms_and_parameters_of_a_page():
    found = page_forms(
        '<a href="?status=open&amp;page=2">next</a>'
        '<form method="post" action="/x/"><input name="note" value="a">'
        '<input type="file" name="file"><select name="kind"><option value="k">K</option>'
        '</select><textarea name="text"></textarea></form><form><input name="q"></form>'
    )

    assert found.link_params == {"status", "page"}
    assert found.forms == [
        {
            "method": "post",
            "action": "/x/",
            "fields": {"note": "a", "kind": "k", "text": ""},
            "files": {"file"},
        },
        {"method": "get", "action": "", "fields": {"q": ""}, "files": set()},
    ]
