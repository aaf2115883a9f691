"""An LGA-wide admin adds a council on the app's own page and loads its first review through
the upload page, end to end in the test client; a council admin can do neither."""

from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from recommendations.models import ImportStatus, Organisation, Review, ReviewImport
from tests.helpers import shows

from .samples import VALID

NEWTOWN = VALID.replace("slug: testshire", "slug: newtown").replace(
    "name: Testshire County Council", "name: Newtown Borough Council"
)


def upload(client, content: str):
    return client.post("/imports/new/", {"file": SimpleUploadedFile("newtown.yaml", content)})


def test_an_lga_admin_adds_a_council_and_loads_its_first_review(signed_in, lga_admin):
    client = signed_in(lga_admin)

    added = client.post("/councils/new/", {"name": "Newtown Borough Council", "slug": "newtown"})
    preview = upload(client, NEWTOWN.encode())
    review_import = ReviewImport.objects.get()
    page = client.get(preview["Location"])
    confirmed = client.post(
        f"/imports/{review_import.pk}/confirm/", {"content_hash": review_import.content_hash}
    )

    assert added["Location"] == "/imports/new/"
    assert preview["Location"] == f"/imports/{review_import.pk}/"
    assert "created: review cpc-2015" in page.text
    assert confirmed["Location"] == "/organisations/newtown/reviews/cpc-2015/"
    review_import.refresh_from_db()
    assert review_import.status == ImportStatus.APPLIED
    assert review_import.organisation.slug == "newtown"
    review = Review.objects.get(organisation__slug="newtown")
    assert (review.slug, review.title) == ("cpc-2015", "Corporate Peer Challenge 2015")
    assert Action.objects.filter(review=review).count() == 2
    shows(client.get(confirmed["Location"]), "Corporate Peer Challenge 2015", "Newtown")
    listed = client.get("/users/")
    assert '<option value="newtown">Newtown Borough Council</option>' in listed.text


def test_a_council_admin_cannot_load_a_new_councils_review(signed_in, admin_member, lga_admin):
    signed_in(lga_admin).post(
        "/councils/new/", {"name": "Newtown Borough Council", "slug": "newtown"}
    )
    client = signed_in(admin_member)

    response = upload(client, NEWTOWN.encode())

    assert response.status_code == 200
    assert [p.message for p in response.context["problems"]] == [
        "you can only load reviews of your own organisation"
    ]
    assert ReviewImport.objects.count() == 0
    assert not Review.objects.filter(organisation__slug="newtown").exists()
    assert list(Organisation.objects.order_by("slug").values_list("slug", flat=True)) == [
        "newtown",
        "southampton",
    ]
