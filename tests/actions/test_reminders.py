import datetime

from django.core import mail
from django.core.management import call_command

from actions.models import Action, ReminderSent
from actions.reminders import send_reminders

TODAY = datetime.date(2018, 4, 20)


def test_each_lead_gets_one_digest_of_overdue_and_due_soon_actions(officer, other_officer):
    # officer leads 6.3-a (due date set here to next week) and 6-a (no due date).
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(
        due=TODAY + datetime.timedelta(days=7)
    )
    Action.objects.filter(review__slug="cpc-2017", ref="7-e").update(
        due=TODAY - datetime.timedelta(days=1)
    )

    sent = send_reminders(TODAY)

    assert sent == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    mine = by_recipient["officer@example.org"]
    assert mine.subject == "Your peer challenge actions: 1 due soon"
    assert "6.3-a" in mine.body
    assert "Overdue" not in mine.body
    assert "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/" in mine.body
    html, mime = mine.alternatives[0]
    assert mime == "text/html"
    assert (
        'href="http://127.0.0.1:8000/organisations/southampton/reviews/cpc-2017/actions/6.3-a/"'
        in html
    )
    theirs = by_recipient["other_officer@example.org"]
    assert theirs.subject == "Your peer challenge actions: 1 overdue"


def test_sending_twice_in_a_day_sends_nothing_more(officer):
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(due=TODAY)

    assert send_reminders(TODAY) == 1
    assert send_reminders(TODAY) == 0
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().sent_on == TODAY
    assert send_reminders(TODAY + datetime.timedelta(days=1)) == 1


def test_completed_and_far_off_actions_need_no_reminder(officer):
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(
        due=TODAY + datetime.timedelta(days=15)
    )
    Action.objects.filter(review__slug="cpc-2017", ref="6-a").update(
        due=TODAY - datetime.timedelta(days=3), current_status="complete"
    )

    assert send_reminders(TODAY) == 0


def test_command_reports_how_many_were_sent(officer, capsys):
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(
        due=datetime.date(2000, 1, 1)
    )

    call_command("send_reminders")

    assert capsys.readouterr().out == "Sent 1 reminder.\n"
