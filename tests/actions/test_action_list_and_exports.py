import csv
import io

import pytest
from openpyxl import load_workbook

from actions.models import Action
from recommendations.models import Review, Theme
from tracker.exports import neutralise


@pytest.fixture
def client_2017(signed_in, cmt_viewer):
    client = signed_in(cmt_viewer)
    client.review = Review.objects.get(slug="cpc-2017")
    return client


def refs(response) -> list[str]:
    return [action.ref for action in response.context["page"].object_list]


def test_filters_narrow_the_list(client_2017):
    review = client_2017.review
    capacity = Theme.objects.get(review=review, key="capacity")

    by_status = client_2017.get(
        "/actions/", {"review": review.pk, "status": "complete", "as_at": "2018-01-31"}
    )
    by_theme = client_2017.get("/actions/", {"review": review.pk, "theme": capacity.pk})
    by_search = client_2017.get("/actions/", {"q": "Agresso"})
    by_update_text = client_2017.get("/actions/", {"q": "Essex County Council"})
    overdue = client_2017.get(
        "/actions/", {"review": review.pk, "overdue": "true", "as_at": "2018-05-01"}
    )

    assert sorted(refs(by_status)) == ["2-a", "3-c", "7-b", "8.4-b"]
    assert by_theme.context["page"].paginator.count == 20
    # In the action, its recommendation's words (6 names Agresso) or an update's note (7-e).
    assert sorted(refs(by_search)) == ["6-a", "6-b", "6-c", "6-d", "6-e", "6-f", "6.3-a", "7-e"]
    assert refs(by_update_text) == ["8.4-a"]
    assert refs(overdue) == ["3-b"]


def test_the_filter_form_offers_the_councils_choices_and_keeps_the_ones_applied(client_2017):
    review = client_2017.review
    capacity = Theme.objects.get(review=review, key="capacity")

    html = client_2017.get(
        "/actions/", {"review": review.pk, "theme": capacity.pk, "status": "complete"}
    ).content.decode()

    assert f'<option value="{review.pk}" selected>{review}</option>' in html
    assert f'<option value="{capacity.pk}" selected>' in html
    assert '<option value="complete" selected>Complete</option>' in html
    assert '<option value="" selected>Any</option>' in html  # the RAG filter, not applied
    assert html.count(" selected>") == 5  # those three, RAG and lead


def test_sorting_by_due_date_puts_dated_actions_in_order(client_2017):
    response = client_2017.get("/actions/", {"review": client_2017.review.pk, "sort": "due"})

    dues = [a.due_at for a in response.context["page"].object_list if a.due_at]
    assert dues == sorted(dues)
    assert 'aria-sort="ascending"' in response.content.decode()


def test_csv_export_is_exactly_the_filtered_set(client_2017):
    params = {"review": client_2017.review.pk, "status": "complete", "as_at": "2018-01-31"}

    response = client_2017.get("/actions/export.csv", params)

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Organisation", "Review", "Recommendation", "Action ref"]
    assert sorted(row[3] for row in rows[1:]) == ["2-a", "3-c", "7-b", "8.4-b"]
    assert response["Content-Disposition"] == 'attachment; filename="actions-as-at-2018-01-31.csv"'


def test_xlsx_export_is_exactly_the_filtered_set(client_2017):
    response = client_2017.get("/actions/export.xlsx", {"q": "Agresso"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Action ref"
    assert {row[3] for row in rows[1:]} == set(refs(client_2017.get("/actions/", {"q": "Agresso"})))


# Spreadsheets skip a leading tab or carriage return, then run what follows.
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t=", "\r="])
def test_exported_cells_that_look_like_formulas_are_neutralised(client_2017, prefix):
    text = f'{prefix}HYPERLINK("http://evil.example")'
    Action.objects.filter(review=client_2017.review, ref="1-a").update(text=text)

    csv_text = b"".join(
        client_2017.get("/actions/export.csv", {"q": "HYPERLINK"}).streaming_content
    ).decode("utf-8-sig")
    sheet = load_workbook(
        io.BytesIO(client_2017.get("/actions/export.xlsx", {"q": "HYPERLINK"}).content)
    ).active

    cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    # The workbook holds the text itself as a string cell, which Excel never runs; XML keeps
    # a carriage return as a line break.
    assert [(cell.value.replace("\r", "\n"), cell.data_type) for cell in cells] == [
        (text.replace("\r", "\n"), "s")
    ]
    # The CSV file cannot say "text", so the usual apostrophe goes in front.
    assert f"'{prefix}HYPERLINK" in csv_text
    assert neutralise(42) == 42


def test_exported_bullets_are_written_as_they_are(client_2017):
    Action.objects.filter(review=client_2017.review, ref="1-a").update(text="- Write the plan")

    csv_text = b"".join(
        client_2017.get("/actions/export.csv", {"q": "Write the plan"}).streaming_content
    ).decode("utf-8-sig")
    sheet = load_workbook(
        io.BytesIO(client_2017.get("/actions/export.xlsx", {"q": "Write the plan"}).content)
    ).active

    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["- Write the plan"]
    assert list(csv.reader(io.StringIO(csv_text)))[1][4] == "- Write the plan"


def test_another_councils_actions_are_never_listed_or_exported(signed_in, other_council_officer):
    client = signed_in(other_council_officer)

    listed = client.get("/actions/")
    exported = b"".join(client.get("/actions/export.csv").streaming_content).decode("utf-8-sig")

    assert {a.review.organisation.slug for a in listed.context["page"].object_list} == {"testshire"}
    assert "Southampton" not in exported
