import pytest
from django.urls import reverse

from tests.factories import ReviewFactory


def test_home_page_lists_the_councils_reviews_with_counts(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get(reverse("recommendations:home"))

    assert response.status_code == 200
    rows = [
        (review.title, review.get_kind_display(), review.recommendation_count, review.action_count)
        for review in response.context["page"].object_list
    ]
    assert rows == [
        ("Corporate Peer Challenge 2017", "Corporate peer challenge", 8, 40),
        ("KPMG target operating model report 2014", "External review", 13, 3),
        ("Corporate Peer Challenge 2013", "Corporate peer challenge", 10, 23),
    ]
    content = response.content.decode()
    assert "11 September 2017 to 14 September 2017" in content
    assert 'href="/organisations/southampton/reviews/cpc-2017/"' in content


def test_home_page_uses_the_govuk_layout(signed_in, cmt_viewer):
    content = signed_in(cmt_viewer).get(reverse("recommendations:home")).content.decode()

    assert 'class="govuk-skip-link"' in content
    assert "Peer challenge tracker" in content
    assert 'class="govuk-service-navigation"' in content
    assert 'class="govuk-phase-banner"' in content
    assert 'class="govuk-footer"' in content
    assert '<main class="govuk-main-wrapper" id="main-content">' in content
    assert '<html lang="en-GB"' in content
    assert "Sign out" in content


@pytest.mark.django_db
def test_home_page_escapes_review_titles(signed_in, cmt_viewer):
    from recommendations.models import Organisation

    ReviewFactory(
        organisation=Organisation.objects.get(slug="southampton"),
        title="<script>alert(1)</script>",
    )

    content = signed_in(cmt_viewer).get(reverse("recommendations:home")).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_review_page_shows_framework_team_milestones_and_progress(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get("/organisations/southampton/reviews/cpc-2017/")

    content = response.content.decode()
    for text in (
        "Keith Ireland",
        "Capacity to deliver",
        "Follow-up visit",
        "14 September 2019",
        "Corporate Peer Challenge 2013",  # the previous review, linked
    ):
        assert text in content
    progress = {
        r.number: (r.progress.complete, r.progress.total)
        for r in response.context["page"].object_list
    }
    assert progress["3"] == (1, 4)
    assert progress["4"] == (0, 2)
    assert progress["6"] == (0, 6)
