"""The benchmark and load-test tooling works on generated data: it reports every page type
and the baselines (the figures themselves live in benchmarks/RESULTS.md, not in tests), and
the load test's exactly-once check catches a lost, a duplicated and a stray update."""

import csv

import pytest
from django.core.management import call_command

from actions import demo_data
from actions.models import Action, ProgressUpdate
from benchmarks import load
from benchmarks import pages as bench

pytestmark = pytest.mark.django_db


def test_the_benchmark_reports_every_page_for_every_role(capsys, settings):
    settings.ALLOWED_HOSTS = [bench.HOST]
    demo_data.generate(1, seed=11)
    actions = Action.objects.count()

    call_command("benchmark", repeats=1, no_gunicorn=True)

    output = capsys.readouterr().out
    urls, _ = bench.subject_pages()
    for page in urls:
        for role in bench.ROLES:
            assert f"| {page} | {role.label} | test client |" in output
    assert "| Django admin action changelist | superuser |" in output
    assert "times as fast" in output
    assert f"- {actions:,} actions out after" in output  # the whole export, streamed
    assert "with 100 actions (generated) (100 actions): median" in output


@pytest.fixture
def plan():
    demo_data.generate(1, seed=12)
    return load.prepare(3, "http://127.0.0.1:8765")


def stats_file(tmp_path, failures=0):
    path = tmp_path / "load_stats.csv"
    fields = ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%"]
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerow(
            dict(zip(fields, ["POST", "record progress", 2, failures, 1, 90, 120], strict=True))
        )
        writer.writerow(dict(zip(fields, ["", "Aggregated", 2, failures, 1, 90, 120], strict=True)))
    return path


def record(plan, note):
    ProgressUpdate.objects.create(
        action_id=plan["officers"][0]["action_id"], on=demo_data.TODAY, note=note
    )


def test_prepared_officers_each_lead_a_different_open_action(plan, client):
    urls = [officer["action"] for officer in plan["officers"]]

    assert len(set(urls)) == 3
    signed_in = client.post(
        "/sign-in/",
        {"username": "load-officer-00", "password": plan["officers"][0]["password"]},
    )
    assert signed_in.status_code == 302
    assert 'name="seen_version"' in client.get(urls[0]).content.decode()  # may record


def test_the_check_passes_only_when_every_update_is_stored_once(plan, tmp_path):
    prefix = plan["note_prefix"]
    sent = [f"{prefix} a 1", f"{prefix} a 2"]
    for note in sent:
        record(plan, note)
    submitted = {"attempted": sent, "succeeded": sent}

    lines, passed = load.check(plan, submitted, stats_file(tmp_path))
    assert passed
    assert "- Lost: 0; stored twice or more: 0; stored but never sent: 0; sent twice: 0." in lines

    record(plan, sent[0])  # stored twice
    _, passed = load.check(plan, submitted, stats_file(tmp_path))
    assert not passed

    lost = {"attempted": [*sent, f"{prefix} a 3"], "succeeded": [*sent, f"{prefix} a 3"]}
    lines, _ = load.check(plan, lost, stats_file(tmp_path))
    assert any(line.startswith("- Lost: 1;") for line in lines)


def test_the_check_fails_on_any_request_error(plan, tmp_path):
    note = f"{plan['note_prefix']} a 1"
    record(plan, note)

    _, passed = load.check(
        plan, {"attempted": [note], "succeeded": [note]}, stats_file(tmp_path, failures=1)
    )

    assert not passed
