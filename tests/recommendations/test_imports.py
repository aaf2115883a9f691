"""Admins load reviews in the browser: check, preview, confirm, keep the history."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from recommendations.imports.services import ImportRefused, confirm_import, preview_upload
from recommendations.models import ImportStatus, Recommendation, Review, ReviewImport
from recommendations.review_files.errors import ReviewFileInvalid
from tests.conftest import SOUTHAMPTON_FILES
from tests.helpers import refused, shows

from .samples import LATER, VALID, line_of, replace_line

# The sample file, as a review of Southampton (whose admin the persona is).
SOUTHAMPTON_VALID = VALID.replace("slug: testshire", "slug: southampton").replace(
    "name: Testshire County Council", "name: Southampton City Council"
)

SPREADSHEET_DETAILS = {
    "organisation_slug": "southampton",
    "organisation_name": "Southampton City Council",
    "review_slug": "retyped-2013",
    "kind": "corporate-peer-challenge",
    "title": "Corporate Peer Challenge 2013, re-typed",
    "started_on_0": "1",
    "started_on_1": "7",
    "started_on_2": "2013",
}


def upload(client, name: str, content: bytes, **fields):
    return client.post("/imports/new/", {"file": SimpleUploadedFile(name, content), **fields})


def lga_admin(make_user):
    """An LGA-wide administrator: may load any council's reviews."""
    return make_user("lga_admin", "Admin", organisation=None)


def test_yaml_upload_previews_then_loads_on_confirm(signed_in, admin_member):
    client = signed_in(admin_member)
    text = SOUTHAMPTON_VALID

    preview = upload(client, "cpc-2015.yaml", text.encode())

    review_import = ReviewImport.objects.get()
    assert preview["Location"] == f"/imports/{review_import.pk}/"
    assert not Review.objects.filter(slug="cpc-2015").exists()
    page = client.get(preview["Location"]).content.decode()
    assert "created: review cpc-2015" in page
    assert "Action 2.1-a: the timescale (&#x27;Ongoing&#x27;) gives no date" in page

    confirmed = client.post(
        f"/imports/{review_import.pk}/confirm/", {"content_hash": review_import.content_hash}
    )

    assert confirmed["Location"] == "/organisations/southampton/reviews/cpc-2015/"
    review_import.refresh_from_db()
    assert review_import.status == ImportStatus.APPLIED
    assert review_import.review.slug == "cpc-2015"
    assert Action.objects.filter(review__slug="cpc-2015").count() == 2


def test_confirm_twice_changes_nothing_the_second_time(admin_member):
    review_import = preview_upload(
        by=admin_member, file_name="cpc-2013.yaml", content=SOUTHAMPTON_FILES[0].read_bytes()
    )
    confirm_import(
        review_import=review_import, by=admin_member, content_hash=review_import.content_hash
    )

    with pytest.raises(ImportRefused, match="already been loaded"):
        confirm_import(
            review_import=review_import, by=admin_member, content_hash=review_import.content_hash
        )


def test_confirm_refuses_when_the_data_changed_since_the_preview(admin_member, officer):
    text = SOUTHAMPTON_VALID
    first = preview_upload(by=admin_member, file_name="a.yaml", content=text.encode())
    changed = replace_line(text, "timescale: By March 2016", "timescale: By May 2016")
    second = preview_upload(by=admin_member, file_name="b.yaml", content=changed.encode())
    confirm_import(review_import=first, by=admin_member, content_hash=first.content_hash)

    with pytest.raises(ImportRefused, match="changed since the preview"):
        confirm_import(review_import=second, by=admin_member, content_hash=second.content_hash)

    assert Action.objects.get(review__slug="cpc-2015", ref="1-a").timescale == "By March 2016"
    second.refresh_from_db()
    assert second.status == ImportStatus.PREVIEWED


def test_confirm_refuses_a_different_file(signed_in, admin_member):
    review_import = preview_upload(
        by=admin_member, file_name="cpc-2013.yaml", content=SOUTHAMPTON_FILES[0].read_bytes()
    )

    response = signed_in(admin_member).post(
        f"/imports/{review_import.pk}/confirm/", {"content_hash": "0" * 64}
    )

    assert response.status_code == 409
    assert "This is not the file that was previewed" in response.content.decode()


def test_every_problem_is_listed_with_its_line_and_nothing_is_written(signed_in, admin_member):
    text = replace_line(SOUTHAMPTON_VALID, "rag: amber", "rag: orange")
    text = replace_line(text, "title: Build capacity", "titel: Build capacity")
    before = Review.objects.count()

    response = upload(signed_in(admin_member), "broken.yaml", text.encode())

    problems = [(p.line, p.path) for p in response.context["problems"]]
    assert problems == [
        (line_of(text, "rag: orange"), "recommendations[0].actions[0].rag"),
        (line_of(text, "titel: Build capacity"), "recommendations[1].titel"),
    ]
    assert "The file has 2 problems. Nothing was loaded." in response.content.decode()
    assert Review.objects.count() == before
    assert not ReviewImport.objects.exists()


def spreadsheet_of_the_2013_plan() -> bytes:
    """The 2013 action plan, re-typed as a CSV by someone with the Word table open."""
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["Issue", "Action", "Lead", "Timescale", "LGA input", "Status", "Due", "Owner"])
    for recommendation in Recommendation.objects.filter(review__slug="cpc-2013").order_by(
        "position"
    ):
        for index, action in enumerate(recommendation.actions.order_by("position")):
            writer.writerow(
                [
                    recommendation.title if index == 0 else "",
                    action.text,
                    " and ".join(link.lead.name for link in action.action_leads.all()),
                    action.timescale,
                    action.support,
                    action.get_status_display() if action.status else "",
                    action.due.isoformat() if action.due else "",
                    action.owner.name if action.owner else "",
                ]
            )
    return lines.getvalue().encode()


def test_the_2013_plan_as_a_spreadsheet_gives_the_same_review(signed_in, admin_member):
    client = signed_in(admin_member)

    preview = upload(client, "2013-plan.csv", spreadsheet_of_the_2013_plan(), **SPREADSHEET_DETAILS)
    review_import = ReviewImport.objects.get()
    client.post(preview["Location"] + "confirm/", {"content_hash": review_import.content_hash})

    def shape(slug):
        return [
            (
                a.recommendation.number,
                a.recommendation.title,
                a.text,
                [link.lead.name for link in a.action_leads.all()],
                a.timescale,
                a.due,
                a.status,
                a.support,
                a.owner.name if a.owner else None,
            )
            for a in Action.objects.filter(review__slug=slug).order_by("position")
        ]

    assert shape("retyped-2013") == shape("cpc-2013")


def test_spreadsheet_problems_name_the_sheet_row_and_column(signed_in, admin_member):
    text = "Issue,Action,Lead,Timescale,Due\nDigital,Buy a CRM,CMT,Soon,next week\n,,Cabinet,,\n"

    response = upload(signed_in(admin_member), "plan.csv", text.encode(), **SPREADSHEET_DETAILS)

    assert [(p.path, p.message) for p in response.context["problems"]] == [
        ("sheet 'CSV', row 2, column 'Due'", "'next week' is not a date: write it as YYYY-MM-DD"),
        ("sheet 'CSV', row 3, column 'Action'", "the action is empty"),
    ]


def workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_formulas_are_refused_never_evaluated(signed_in, admin_member):
    content = workbook([["Issue", "Action"], ["Digital", '=HYPERLINK("http://evil")']])

    response = upload(signed_in(admin_member), "plan.xlsx", content, **SPREADSHEET_DETAILS)

    assert [(p.path, p.message) for p in response.context["problems"]] == [
        (
            "sheet 'Plan', row 2, column 2",
            "a formula: type the value itself (formulas are never run)",
        )
    ]


def test_suggested_due_dates_are_used_only_when_asked_and_never_over_a_given_date(admin_member):
    content = workbook(
        [
            ["Issue", "Action", "Timescale", "Due"],
            ["Digital", "Buy a CRM", "By April 2014", ""],
            ["", "Train staff", "By May 2014", datetime.date(2014, 9, 1)],
        ]
    )
    details = {
        "organisation_slug": "southampton",
        "organisation_name": "Southampton City Council",
        "review_slug": "plan",
        "kind": "internal-review",
        "title": "Plan",
        "started_on": datetime.date(2013, 7, 1),
        "ended_on": None,
        "conducted_by": "",
    }
    without = preview_upload(by=admin_member, file_name="p.xlsx", content=content, details=details)
    with_dates = preview_upload(
        by=admin_member,
        file_name="p.xlsx",
        content=content,
        details=details,
        use_suggested_dates=True,
    )

    assert without.suggestions == [
        "Action 1-a: 'By April 2014' suggests a due date of 30 April 2014"
    ]
    confirm_import(review_import=with_dates, by=admin_member, content_hash=with_dates.content_hash)
    dues = dict(Action.objects.filter(review__slug="plan").values_list("ref", "due"))
    assert dues == {"1-a": datetime.date(2014, 4, 30), "1-b": datetime.date(2014, 9, 1)}


def test_near_matching_lead_names_are_flagged(admin_member):
    text = "Issue,Action,Lead\nDigital,Buy a CRM,Councillor Letts\n"
    details = {
        "organisation_slug": "southampton",
        "organisation_name": "Southampton City Council",
        "review_slug": "plan",
        "kind": "internal-review",
        "title": "Plan",
        "started_on": datetime.date(2019, 1, 1),
        "ended_on": None,
        "conducted_by": "",
    }

    review_import = preview_upload(
        by=admin_member, file_name="p.csv", content=text.encode(), details=details
    )

    assert "The lead 'Councillor Letts' nearly matches 'Cllr Letts': is it the same person?" in (
        review_import.warnings
    )


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def workbook_with_entities(declaration: bytes, reference: bytes) -> bytes:
    """A genuine workbook whose first sheet declares and uses XML entities."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Issue", "Action"])
    book.active.append(["One", "PLACEHOLDER"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry)
            if b"PLACEHOLDER" in data:
                if data.startswith(b"<?xml"):
                    end = data.index(b"?>") + 2
                    data = data[:end] + declaration + data[end:]
                else:
                    data = declaration + data
                data = data.replace(b"PLACEHOLDER", reference)
            archive.writestr(entry, data)
    return hostile.getvalue()


BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
EXTERNAL_ENTITY = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "laughs.xlsx",
            workbook_with_entities(BILLION_LAUGHS, b"&d;"),
            "the workbook contains XML entity declarations",
        ),
        (
            "xxe.xlsx",
            workbook_with_entities(EXTERNAL_ENTITY, b"&x;"),
            "the workbook contains XML entity declarations",
        ),
        ("big.yaml", b"#" * (5 * 1024 * 1024 + 1), "the file is larger than 5 MB"),
        ("plan.xlsx", b"Issue,Action\n", "the file is called .xlsx but is not an Excel workbook"),
        ("review.yaml", b"PK\x03\x04 zipped", "the file is called .yaml but is not a text file"),
        ("plan.xlsx", zip_bomb(), "the workbook unpacks to far more than its size"),
        ("notes.docx", b"hello", "upload a review file (.yaml) or a spreadsheet (.xlsx or .csv)"),
        (
            "bomb.yaml",
            b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
            "YAML aliases (*name) are not allowed",
        ),
        (
            "tag.yaml",
            b"format: !!python/object/apply:os.system [ls]\n",
            "YAML tags are not allowed",
        ),
    ],
    ids=[
        "entity expansion",
        "external entity",
        "too large",
        "not a workbook",
        "zip named yaml",
        "zip bomb",
        "other type",
        "alias bomb",
        "tag",
    ],
)
def test_hostile_files_are_refused_and_nothing_is_written(admin_member, name, content, message):
    details = None
    if name.endswith(".xlsx"):
        details = {
            "organisation_slug": "southampton",
            "organisation_name": "Southampton City Council",
            "review_slug": "x",
            "kind": "internal-review",
            "title": "X",
            "started_on": datetime.date(2019, 1, 1),
            "ended_on": None,
            "conducted_by": "",
        }

    with pytest.raises(ReviewFileInvalid) as refused:
        preview_upload(by=admin_member, file_name=name, content=content, details=details)

    assert message in refused.value.problems[0].message
    assert not ReviewImport.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "programme_office", "cmt_viewer"])
def test_only_admins_may_load_reviews(signed_in, request, persona):
    client = signed_in(request.getfixturevalue(persona))

    refused(client.get("/imports/new/"), 403, "Load a review")
    refused(client.get("/imports/"), 403)
    refused(upload(client, "a.yaml", VALID.encode()), 403, "Testshire County Council")
    assert not ReviewImport.objects.exists()
    assert not Review.objects.filter(organisation__slug="testshire").exists()


def test_a_councils_admin_cannot_load_another_councils_review(signed_in, admin_member):
    response = upload(signed_in(admin_member), "testshire.yaml", VALID.encode())

    assert [p.message for p in response.context["problems"]] == [
        "you can only load reviews of your own organisation"
    ]


def test_an_lga_wide_admin_may_load_a_new_council(signed_in, make_user, southampton):
    admin = lga_admin(make_user)

    client = signed_in(admin)

    preview = upload(client, "testshire.yaml", VALID.encode())
    review_import = ReviewImport.objects.get()
    confirmed = client.post(
        preview["Location"] + "confirm/", {"content_hash": review_import.content_hash}
    )

    assert preview["Location"] == f"/imports/{review_import.pk}/"
    assert confirmed["Location"] == "/organisations/testshire/reviews/cpc-2015/"
    review = Review.objects.get(organisation__slug="testshire")
    assert (review.organisation.name, review.slug) == ("Testshire County Council", "cpc-2015")
    shows(
        client.get(confirmed["Location"]),
        "Corporate Peer Challenge 2015",
        "Plan further ahead",
    )


def test_history_lists_uploads_and_gives_the_original_back(signed_in, admin_member):
    client = signed_in(admin_member)
    content = SOUTHAMPTON_FILES[1].read_bytes()
    upload(client, "cpc-2017.yaml", content)
    review_import = ReviewImport.objects.get()

    history = client.get("/imports/").content.decode()
    original = client.get(f"/imports/{review_import.pk}/file/")

    assert "cpc-2017.yaml" in history
    assert review_import.content_hash[:16] in history
    assert original.content == content


def test_every_review_page_offers_its_review_file(signed_in, cmt_viewer):
    client = signed_in(cmt_viewer)

    page = client.get("/organisations/southampton/reviews/cpc-2017/").content.decode()
    download = client.get("/organisations/southampton/reviews/cpc-2017/review-file.yaml")

    assert "/organisations/southampton/reviews/cpc-2017/review-file.yaml" in page
    assert download.content.decode().startswith("format: review-tracker/1\n")
    assert "slug: cpc-2017" in download.content.decode()


def test_the_example_spreadsheet_previews_then_loads_its_rows(signed_in, admin_member):
    """The example offered on the upload page is a plan the tracker reads as its columns
    say: downloaded, uploaded, previewed and confirmed, each of its rows is an action."""
    client = signed_in(admin_member)
    example = client.get("/imports/example-action-plan.xlsx")
    assert "example-action-plan.xlsx" in example["Content-Disposition"]

    preview = upload(
        client, "example.xlsx", example.content, **{**SPREADSHEET_DETAILS, "review_slug": "example"}
    )
    review_import = ReviewImport.objects.get()
    page = client.get(preview["Location"])
    # The preview says what loading will do, and writes none of it.
    previewed_only = not Review.objects.filter(slug="example").exists()
    confirmed = client.post(
        preview["Location"] + "confirm/", {"content_hash": review_import.content_hash}
    )

    previewed = shows(
        page,
        "Check what will change",
        "created: review example",
        "Action 1-a: 'Decision by October 2013' suggests a due date of 31 October 2013",
    )
    assert previewed_only
    assert confirmed["Location"] == "/organisations/southampton/reviews/example/"
    stored = [
        (
            a.recommendation.number,
            a.recommendation.title,
            a.ref,
            a.text,
            [link.lead.name for link in a.action_leads.order_by("position")],
            a.timescale,
            a.support,
            a.status,
            a.due,
            a.owner.name if a.owner else None,
        )
        for a in Action.objects.filter(review__slug="example").order_by("position")
    ]
    assert stored == [
        (
            "1",
            "Responding to the Peer Review recommendations",
            "1-a",
            "Consider setting up of External Sounding Board",
            ["Cllr Letts", "Dawn Baxendale"],
            "Decision by October 2013",
            "",
            "",
            None,
            None,
        ),
        (
            "1",
            "Responding to the Peer Review recommendations",
            "1-b",
            "Visibility: regular programme of visits to staff teams",
            ["Cabinet", "CMT"],
            "Has started",
            "",
            "in-progress",
            None,
            None,
        ),
        (
            "2",
            "Intelligence and performance management",
            "2-a",
            "Establish a council-wide performance management approach",
            ["Suki Sitaram"],
            "By April 2014",
            "LGA to provide support for the training",
            "",
            datetime.date(2014, 4, 30),
            "Suki Sitaram",
        ),
    ]
    # What was stored is what the preview listed, no more.
    listed = previewed.split("Everything the file names")[0]
    assert re.findall(r"created: action (\S+)", listed) == [row[2] for row in stored]
    assert re.findall(r"created: recommendation (\S+)", listed) == ["1", "2"]
    review_import.refresh_from_db()
    assert review_import.status == ImportStatus.APPLIED


def test_openpyxl_itself_refuses_entities_because_defusedxml_is_installed():
    """The second line of defence, should a DOCTYPE ever get past the upload check."""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    with pytest.raises(ValueError, match="Unable to read workbook") as refused:
        load_workbook(io.BytesIO(workbook_with_entities(EXTERNAL_ENTITY, b"&x;")))

    assert isinstance(refused.value.__context__, DefusedXmlException)


@pytest.mark.parametrize(
    ("previous", "followed"),
    [("cpc-2013", "3"), ("cpc-2013", "99"), ("no-such-review", "1"), ("cpc-2017", "3")],
)
def test_another_councils_file_tells_an_admin_nothing_about_that_council(
    signed_in, other_council_users, previous, followed
):
    """Checking a file reads the named council's reviews; a refused admin of another council
    must learn nothing of them (which reviews exist, their numbers, their dates)."""
    probe = (
        LATER.replace("slug: testshire", "slug: southampton")
        .replace("Testshire County Council", "Southampton City Council")
        .replace("previous: cpc-2015", f"previous: {previous}")
        .replace("review: cpc-2015", "review: cpc-2013")
        .replace('recommendation: "1"', f'recommendation: "{followed}"')
    )
    before = ReviewImport.objects.count()

    response = upload(signed_in(other_council_users["Admin"]), "probe.yaml", probe.encode())

    assert [p.message for p in response.context["problems"]] == [
        "you can only load reviews of your own organisation"
    ]
    assert ReviewImport.objects.count() == before
