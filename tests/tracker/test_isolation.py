"""Proof of isolation: every page, as every role of a second council, against the first.

The walk resolves every URL pattern from the URLconf (a new page is walked without editing
this file), fills its path with Southampton's objects and asks for it as Testshire's viewer,
officer, programme office and admin, and as a signed-out visitor: GET, then POST with the
fields the page's own forms have (discovered by rendering it as a Southampton admin),
through a client that enforces CSRF. Each answer must be a 404 (a sign-in redirect for
visitors; a 403 or a redirect on a page that belongs to no council), or a page with none of
Southampton's words; and no row anywhere may change.

The Southampton data is built once for the module, inside a transaction rolled back at the
end; each test runs in a savepoint within it.
"""

import hashlib
import html
import io
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import SOUTHAMPTON_FILES, verified_client
from tests.helpers import refused

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
# Searched for: words only Southampton's 2017 review has. The check looks for whole phrases
# of Southampton's, so a page echoing the search back is not mistaken for a leak.
SEARCHES = ["Agresso", "Digital Strategy"]
ROLES = ["Viewer", "Officer", "Programme office", "Admin", "Signed out"]

# Parts of the URLconf that are not the app's pages: the Django admin (another test locks
# it to verified superusers) and static files.
NOT_WALKED = ("django-admin/", "static/", "media/")

# Path parameters that name a council's object: a page with one of them is council-scoped,
# so another council's user must get 404 (never a 403 that confirms the object exists).
COUNCIL_SCOPED = {"organisation_slug", "review_slug", "number", "ref", "pk", "user_id"}

# Values that name nothing, for comparing a refusal with the answer about a missing object.
ABSENT = {
    "organisation_slug": "no-such-council",
    "review_slug": "no-such-review",
    "number": "99",
    "ref": "99-z",
    "pk": "999999",
    "user_id": "999999",
    "uidb64": "MQ",
    "token": "not-a-valid-token",
}

# Testshire's own objects, for asking about Southampton's from a page of Testshire's.
TESTSHIRE = {
    **ABSENT,
    "organisation_slug": "testshire",
    "review_slug": "cpc-2015",
    "number": "1",
    "ref": "1-a",
}


# Pages whose content is fixed in the code, the same for everyone, read from no table: the
# example spreadsheet's rows are copied from Southampton's published 2013 action plan.
FIXED_CONTENT = {"import-example"}

# Pages where a council's admin rightly adds to their own council, whatever address: only
# Southampton's rows (and its people's) must stay as they were.
OWN_COUNCIL_WRITES = {"user-invite"}

# Tables a request may change without changing anyone's data: the visitor's own session
# (signing out ends it) and django-axes' record of failed sign-ins (a lockout that works).
# The visitor's own account pages: what they change is the visitor's own account (a new
# password, new recovery codes), so there only other people's rows must stay as they were.
OWN_ACCOUNT = {"password_change", "two-factor-setup", "two-factor-recovery-codes"}

UNFINGERPRINTED = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


# The URLconf ---------------------------------------------------------------------------------


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


RESOLVED = list(walk(get_resolver().url_patterns))
WALKED = [(route, p) for route, p in RESOLVED if not route.startswith(NOT_WALKED)]
# Pages that need no sign-in say so themselves (login_not_required): the public action plan,
# signing in, getting back into an account.
PUBLIC = {p.name for _, p in RESOLVED if getattr(p.callback, "login_required", True) is False}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def parameters(route: str) -> set[str]:
    return {m["name"] for m in PARAMETER.finditer(route)} | set(re.findall(r"\(\?P<(\w+)>", route))


def fill(route: str, values: dict[str, str]) -> str:
    """The route with each parameter replaced by Southampton's value; fails on one it has
    no value for, so a new kind of parameter cannot be skipped silently."""
    missing = parameters(route) - values.keys()
    assert not missing, f"no Southampton value for {sorted(missing)} in {route}"
    if "(?P<" in route:
        raise AssertionError(f"regex route {route}: give it a filler")
    return "/" + PARAMETER.sub(lambda m: values[m["name"]], route)


# The Southampton world, built once --------------------------------------------------------


def make_user(username, role, organisation, leads=()):
    from django.contrib.auth import get_user_model

    from actions.models import Lead
    from recommendations.models import Membership, Organisation

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    org = Organisation.objects.get(slug=organisation) if organisation else None
    Membership.objects.create(user=user, organisation=org, role=role)
    Lead.objects.filter(organisation=org, name__in=leads).update(user=user)
    return user


def distinctive_words() -> list[str]:
    """Southampton's words that no other council's data has: review titles, recommendations,
    actions, leads, responses, notes, evidence, risks, milestones, the peer team."""
    from actions.models import Action, EvidenceLink, Lead, ProgressUpdate
    from recommendations.models import (
        Milestone,
        Organisation,
        PeerTeamMember,
        Recommendation,
        Response,
        Review,
        Risk,
    )

    fields = [
        (Organisation, "name", ""),
        (Review, "title", "organisation"),
        (Recommendation, "text", "review__organisation"),
        (Recommendation, "title", "review__organisation"),
        (Action, "text", "review__organisation"),
        (Lead, "name", "organisation"),
        (Response, "text", "recommendation__review__organisation"),
        (ProgressUpdate, "note", "action__review__organisation"),
        (EvidenceLink, "title", "update__action__review__organisation"),
        (Risk, "title", "review__organisation"),
        (Milestone, "title", "review__organisation"),
        (PeerTeamMember, "name", "review__organisation"),
    ]
    ours, theirs = set(), set()
    for model, field, path in fields:
        slug = f"{path}__slug" if path else "slug"
        ours |= set(model.objects.filter(**{slug: "southampton"}).values_list(field, flat=True))
        theirs |= set(model.objects.exclude(**{slug: "southampton"}).values_list(field, flat=True))
    # Short or shared words would match by chance; the first line is enough to recognise.
    words = {(text.strip().splitlines() or [""])[0].strip() for text in ours - theirs}
    return sorted(w for w in words if len(w) >= 12 and not any(w in t for t in theirs))


class Forms(HTMLParser):
    """The forms of a page: method, action and the data a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action") or "",
                    "data": {},
                    "files": set(),
                    "selects": {},
                    "choices": {},
                }
            )
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                form["files"].add(name)
            elif kind == "checkbox":
                if "checked" in a:
                    form["data"][name] = a.get("value", "on")
            elif kind == "radio":
                if "checked" in a or name not in form["data"]:
                    form["data"][name] = a.get("value", "on")
            elif kind not in {"submit", "button", "image", "reset"} or name not in form["data"]:
                form["data"][name] = a.get("value") or plausible(name, kind)
        elif tag == "button" and name and a.get("value"):
            form["data"].setdefault(name, a["value"])
        elif tag == "select" and name:
            self._select = name
            form["selects"][name] = []
        elif tag == "option" and self._select:
            form["selects"][self._select].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            form["data"][name] = ""

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            form, options = self.forms[-1], self.forms[-1]["selects"][self._select]
            chosen = [v for v, selected in options if selected] or [v for v, _ in options if v]
            form["data"][self._select] = chosen[0] if chosen else ""
            # What a GET form is replayed with: one of Southampton's own choices.
            named = [v for v, _ in options if v]
            form["choices"][self._select] = named[0] if named else ""
            self._select = None
        elif tag == "textarea" and self._textarea and self.forms:
            data = self.forms[-1]["data"]
            data[self._textarea] = data[self._textarea].strip() or "Isolation test words"
            self._textarea = None


def plausible(name: str, kind: str) -> str:
    """A value a person might type. Passwords are wrong ones, so the visitor's own account
    pages refuse rather than change their password: any change then is a leak."""
    if kind == "password":
        return "not-the-password-1"
    if kind == "number" or name.endswith(("_0", "day", "_1", "month")):
        return "1"
    if name.endswith(("_2", "year")):
        return "2030"
    if kind == "url":
        return "https://example.org/evidence"
    if kind == "email":
        return "isolation@example.org"
    return "Isolation test words"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Southampton (with an upload, a progress update with evidence) and Testshire's users,
    and what each page's forms post, rolled back when the module ends."""
    from django.core.management import call_command

    from actions.models import Action
    from actions.services import Evidence, record_progress
    from recommendations.imports.services import preview_upload
    from recommendations.models import Recommendation, Review
    from recommendations.review_files.loading import ReviewFile, load_review_files
    from tests.recommendations.samples import VALID
    from tracker import audit

    # The suite answers for the rows it sets up (the autouse audit_actor is per test).
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        audit.acting_as(audit.Actor("test suite")),
    ):
        call_command("load_review", *SOUTHAMPTON_FILES, verbosity=0)
        load_review_files([ReviewFile("testshire.yaml", VALID.encode())])
        southampton_admin = make_user("southampton_admin", "admin", "southampton")
        officer = make_user(
            "southampton_officer",
            "officer",
            "southampton",
            leads=["Service Director for Digital and Business Operations"],
        )
        action = Action.objects.select_related("review").get(review__slug="cpc-2017", ref="6.3-a")
        record_progress(
            action=action,
            by=officer,
            status="in-progress",
            rag="amber",
            note="Agresso cut-over rehearsal slipped to the spring window",
            seen_version=action.version,
            evidence=[Evidence("Agresso rehearsal minutes March", "https://example.org/minutes")],
        )
        upload = preview_upload(
            by=southampton_admin,
            file_name="cpc-2017.yaml",
            content=SOUTHAMPTON_FILES[2].read_bytes(),
        )
        users = {
            "Viewer": make_user("testshire_viewer", "viewer", "testshire"),
            "Officer": make_user("testshire_officer", "officer", "testshire", leads=["Jo Bloggs"]),
            "Programme office": make_user(
                "testshire_programme_office", "programme-office", "testshire"
            ),
            "Admin": make_user("testshire_admin", "admin", "testshire"),
        }
        recommendation = Recommendation.objects.get(review__slug="cpc-2017", number="6.3")
        values = {
            "organisation_slug": "southampton",
            "review_slug": "cpc-2017",
            "number": recommendation.number,
            "ref": action.ref,
            "pk": str(upload.pk),
            "user_id": str(officer.pk),
            "uidb64": urlsafe_base64_encode(force_bytes(southampton_admin.pk)),
            "token": "not-a-valid-token",
        }
        words = distinctive_words()
        as_southampton = verified_client(southampton_admin, Client())
        forms = {}
        for route, _ in WALKED:
            url = fill(route, values)
            page = as_southampton.get(url)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                page = Client().get(url)
            if page.status_code == 200 and "html" in page.get("Content-Type", ""):
                parser = Forms()
                parser.feed(page.content.decode())
                forms[url] = parser.forms
        as_southampton.logout()
        assert not Review.objects.get(slug="cpc-2017").is_published
        yield {
            "users": users,
            "values": values,
            "words": words,
            "forms": forms,
            "southampton_admin": southampton_admin,
            "own_values": {**TESTSHIRE, "user_id": str(users["Viewer"].pk)},
        }
        transaction.set_rollback(True)


# What a response may show ------------------------------------------------------------------


def readable(response) -> str:
    if response.streaming and not hasattr(response, "read_bytes"):
        # A stream can be read once; keep the bytes for a second look.
        response.read_bytes = b"".join(response.streaming_content)
    content = response.read_bytes if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if "pdf" in kind:
        raise AssertionError("a PDF answered 200: read it before trusting it")
    return content.decode("utf-8", errors="replace")


def leaked(response, words) -> list[str]:
    text = readable(response)
    text = text + html.unescape(text)
    return [w for w in words if w in text or html.escape(w) in text]


def fingerprint(but_for=None, only_of: str | None = None) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows; `but_for` a user, leaving out that
    user's own account (their user row, devices and recovery codes); `only_of` a council's
    slug, only the rows of that council's (by organisation_path) and of its people."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in UNFINGERPRINTED or model._meta.proxy:
            continue
        rows = model._base_manager.order_by("pk")
        if but_for is not None:
            rows = rows.exclude(**own_rows(model, but_for))
        if only_of is not None:
            rows = rows_of_council(model, rows, only_of)
            if rows is None:
                continue
        rows = list(rows.values_list())
        tables[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return tables


def rows_of_council(model, rows, slug: str):
    """The rows of `model` that are the council's: by its organisation_path, or, for its
    people, by their membership. None for a table that holds no council's rows."""
    path = getattr(model, "organisation_path", None)
    if path is not None and not path:
        return rows.filter(slug=slug)
    if path is not None:
        first_hop = path.split("__")[0]
        if not any(field.name == first_hop for field in model._meta.get_fields()):
            # A plain id, not a foreign key (audit entries).
            return rows.filter(**{f"{path}_id__in": organisations_with(slug)})
        return rows.filter(**{f"{path}__slug": slug})
    if model is get_user_model():
        return rows.filter(membership__organisation__slug=slug)
    return None


def organisations_with(slug: str):
    from recommendations.models import Organisation

    return Organisation.objects.filter(slug=slug).values("pk")


def own_rows(model, user) -> dict:
    if model is type(user):
        return {"pk": user.pk}
    names = {field.name for field in model._meta.get_fields()}
    if "user" in names:
        return {"user": user}
    if "device" in names:
        return {"device__user": user}
    return {"pk__in": []}


def changed(before, after) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def client_for(world, role) -> tuple[Client, str]:
    """A CSRF-enforcing client signed in as Testshire's `role` (past two factors), and a
    CSRF token of its own, so a refusal is the app's and not the CSRF check's."""
    client = Client(enforce_csrf_checks=True)
    if role != "Signed out":
        verified_client(world["users"][role], client)
    page = client.get("/password-reset/" if role == "Signed out" else "/account/password/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token, f"no CSRF token on the {role}'s own page"
    return client, token[1].decode()


def check(response, url, role, route_parameters, name, words, method, again):
    """`again(url)` makes the same request to another URL."""
    where = f"{method} {url} as Testshire's {role}"
    status = response.status_code
    assert status != 500, where
    templates = [t.name for t in response.templates]
    assert "errors/csrf.html" not in templates, f"{where}: refused by CSRF, not by the app"
    scoped = bool(route_parameters & COUNCIL_SCOPED)
    if role == "Signed out" and name not in PUBLIC:
        assert status == 302, where
        assert response["Location"].startswith("/sign-in/?next="), where
        return
    if status == 302:
        assert "southampton" not in response["Location"], f"{where}: {response['Location']}"
        assert not scoped or name in PUBLIC, f"{where}: a council's page redirected"
        return
    if scoped and status == 403:
        # Refused before the object was looked up (the role may do this nowhere): only a
        # refusal that is the same for an object that does not exist reveals nothing.
        absent = fill(resolve(url).route, ABSENT)
        assert again(absent).status_code == 403, f"{where}: 403, but {absent} is not"
        return
    # 405: a POST-only address refuses a GET before looking anything up.
    allowed = {404, 405} if scoped else {200, 403, 404, 405}
    assert status in allowed, f"{where}: {status}"
    if name not in FIXED_CONTENT:
        # Error pages too: a 404 or 403 must not name what it refused.
        assert leaked(response, words) == [], where


# The walk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("route", "pattern"), WALKED, ids=[f"{p.name or route}" for route, p in WALKED]
)
def test_another_council_sees_and_changes_nothing_of_southamptons(world, role, route, pattern):
    url = fill(route, world["values"])
    client, token = client_for(world, role)
    route_parameters = parameters(route)

    # The two-factor page makes the visitor a device to set up: their own account, again.
    own_page = world["users"].get(role) if pattern.name in OWN_ACCOUNT else None
    unchanged = fingerprint(but_for=own_page)
    response = client.get(url)
    check(response, url, role, route_parameters, pattern.name, world["words"], "GET", client.get)

    # Replay each GET form (filters, search) with Southampton's values: its reviews, its
    # leads, its words as the search.
    for form in world["forms"].get(url, []):
        if form["method"] == "get":
            target = urlsplit(form["action"]).path or url
            # One of Southampton's choices at a time (its review, its lead...), so no other
            # filter empties the answer; the search box gets a Southampton word.
            queries = [{**form["data"], name: value} for name, value in form["choices"].items()]
            for query in queries or [dict(form["data"])]:
                query.update({"q": SEARCHES[0]} if "q" in query else {})
                replay_get_form(client, role, world, target, query)

    assert changed(unchanged, fingerprint(but_for=own_page)) == [], f"GET {url} as {role}"

    posts = [f for f in world["forms"].get(url, []) if f["method"] == "post"] or [
        {"action": "", "data": {"note": "Isolation test words"}, "files": set()}
    ]
    # Signing out (a form on every page) goes last, so the other forms post signed in.
    posts.sort(key=lambda form: urlsplit(form["action"]).path == "/sign-out/")
    for form in posts:
        target = urlsplit(form["action"]).path or url
        data = {**form["data"], "csrfmiddlewaretoken": token}
        for field in form["files"]:
            data[field] = SimpleUploadedFile("cpc-2017.yaml", SOUTHAMPTON_FILES[2].read_bytes())
        target_name = resolve(target).url_name
        own = world["users"].get(role) if target_name in OWN_ACCOUNT else None
        if target_name in OWN_COUNCIL_WRITES and role == "Admin":
            before = fingerprint(only_of="southampton")
            response = client.post(target, data)
            assert changed(before, fingerprint(only_of="southampton")) == [], f"{target} {role}"
        else:
            before = fingerprint(but_for=own)
            response = client.post(target, data)
            assert changed(before, fingerprint(but_for=own)) == [], f"POST {target} as {role}"
        check(
            response,
            target,
            role,
            parameters_of(target),
            resolve(target).url_name,
            world["words"],
            "POST",
            lambda other, data=data: client.post(other, data),
        )


def replay_get_form(client, role, world, target, query):
    """A GET form of a Southampton page, sent by Testshire's `role` to Southampton's page
    and to Testshire's own page of the same kind."""
    response = client.get(f"{target}?{urlencode(query)}")
    check(
        response,
        target,
        role,
        parameters_of(target),
        resolve(target).url_name,
        world["words"],
        "GET",
        lambda other: client.get(f"{other}?{urlencode(query)}"),
    )
    # The same Southampton values on Testshire's own page of that kind (its gap between
    # reviews asked about Southampton's reviews, say).
    own_target = fill(resolve(target).route, world["own_values"])
    response = client.get(f"{own_target}?{urlencode(query)}")
    if role == "Signed out":
        assert response.status_code in {302, 404}, f"GET {own_target}"
    else:
        assert response.status_code in {200, 403, 404}, f"GET {own_target} as {role}"
        assert leaked(response, world["words"]) == [], f"GET {own_target} as {role}"


def parameters_of(path: str) -> set[str]:
    return set(resolve(path).kwargs) - {"file_format"}


def test_the_walk_covers_every_url_pattern(world):
    """Every resolved pattern but the admin's and static files' is walked, with a value for
    each of its parameters: a new page, or a new kind of parameter, cannot be missed."""
    filled = {fill(route, world["values"]) for route, _ in WALKED}

    assert len(WALKED) >= len(RESOLVED) - sum(r.startswith(NOT_WALKED) for r, _ in RESOLVED)
    assert len(filled) == len(WALKED)
    for route, pattern in WALKED:
        assert resolve(fill(route, world["values"])).func == pattern.callback, route


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "query",
    [
        "/search/?q={word}",
        "/search/?q={word}&kind=actions",
        "/actions/?q={word}",
        "/actions/export.csv?q={word}",
        "/actions/export.csv",
        "/actions/export.xlsx",
        "/dashboard/",
        "/",
        "/my-actions/",
        "/imports/",
    ],
)
def test_lists_search_and_exports_hold_none_of_southamptons_words(world, role, query):
    client, _ = client_for(world, role)
    words = world["words"]

    for word in SEARCHES:
        url = query.format(word=word)
        response = client.get(url)
        if role == "Signed out":
            assert response.status_code == 302
            assert response["Location"].startswith("/sign-in/?next=")
            continue
        assert response.status_code in {200, 403}, url
        if response.status_code == 200:
            assert leaked(response, words) == [], url


def test_the_walk_knows_southamptons_words_when_it_sees_them(world):
    """The leak check is live: Southampton's own admin sees Southampton's words on its pages
    and in its export, and the words include each kind of text."""
    client = verified_client(world["southampton_admin"], Client())
    words = world["words"]

    review = client.get("/organisations/southampton/reviews/cpc-2017/")
    export = client.get("/actions/export.csv?q=Agresso")
    action = client.get("/organisations/southampton/reviews/cpc-2017/actions/6.3-a/")

    assert "Southampton City Council" in words
    assert "Agresso cut-over rehearsal slipped to the spring window" in words
    assert "Agresso rehearsal minutes March" in words
    assert "Service Director for Digital and Business Operations" in words
    assert len(words) > 100
    assert "Corporate Peer Challenge 2015" not in words  # Testshire's
    assert "Southampton City Council" in leaked(review, words)
    assert "Agresso cut-over rehearsal slipped to the spring window" in leaked(action, words)
    assert "Agresso rehearsal minutes March" in leaked(action, words)
    assert "Corporate Peer Challenge 2017" in leaked(export, words)
    assert "Service Director for Digital and Business Operations" in leaked(export, words)


def test_the_walk_posts_each_pages_own_forms(world):
    """The POSTs carry the fields the pages' own forms have, found by rendering them."""
    review = "/organisations/southampton/reviews/cpc-2017/"
    targets = {
        urlsplit(form["action"]).path or url: set(form["data"]) | form["files"]
        for url, forms in world["forms"].items()
        for form in forms
        if form["method"] == "post"
    }

    assert targets[f"{review}actions/6.3-a/record-progress/"] >= {
        "seen_version",
        "status",
        "rag",
        "note",
        "csrfmiddlewaretoken",
    }
    assert targets[f"{review}recommendations/6.3/correct/"] >= {"field", "text", "reason"}
    assert targets[f"{review}publish/"] >= {"publish"}
    assert targets[f"/imports/{world['values']['pk']}/confirm/"] >= {"content_hash"}
    assert targets["/imports/new/"] >= {"file"}


def test_testshires_own_exports_hold_its_own_actions(world):
    """The exports the walk reads are not empty: Testshire's admin gets Testshire's action."""
    client, _ = client_for(world, "Admin")

    csv_text = readable(client.get("/actions/export.csv"))
    xlsx_text = readable(client.get("/actions/export.xlsx"))

    assert "Write a medium term financial strategy" in csv_text
    assert "Write a medium term financial strategy" in xlsx_text


PUBLIC_PLAN = "/public/southampton/cpc-2017/"


@pytest.mark.parametrize("role", ROLES)
def test_an_unpublished_action_plan_is_404_to_everyone_outside_southampton(world, role):
    client, _ = client_for(world, role)

    response = client.get(PUBLIC_PLAN)

    refused(response, 404)
    assert leaked(response, world["words"]) == []


@pytest.mark.parametrize("role", ROLES)
def test_a_published_action_plan_shows_no_notes_or_evidence(world, role):
    from recommendations.models import Review
    from recommendations.services import publish_review

    publish_review(
        review=Review.objects.get(slug="cpc-2017"), by=world["southampton_admin"], published=True
    )
    client, _ = client_for(world, role)

    page = client.get(PUBLIC_PLAN)

    assert page.status_code == 200
    shown = leaked(page, world["words"])
    assert "Continue to prioritise the Agresso upgrade and HR integration" in shown
    assert "Agresso cut-over rehearsal slipped to the spring window" not in shown
    assert "Agresso rehearsal minutes March" not in shown
    assert "https://example.org/minutes" not in page.content.decode()


def test_a_councils_fingerprint_sees_its_own_rows_and_people_only(world):
    from actions.models import Action
    from tracker.models import AuditEntry

    before = fingerprint(only_of="southampton")
    Action.objects.filter(review__organisation__slug="testshire").update(text="Changed")
    world["users"]["Viewer"].set_password("another-long-password")
    world["users"]["Viewer"].save()
    after_testshire = fingerprint(only_of="southampton")
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(text="Changed")
    world["southampton_admin"].set_password("another-long-password")
    world["southampton_admin"].save()
    after_southampton = fingerprint(only_of="southampton")

    assert changed(before, after_testshire) == []
    assert changed(after_testshire, after_southampton) == [
        "actions_action",
        "auth_user",
        AuditEntry._meta.db_table,  # main's audit: every write leaves an entry
    ]
