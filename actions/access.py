"""Who may change actions. Seeing them follows the organisation rule in
recommendations.access (Action.objects.visible_to)."""

from .models import Action


def leads_or_owns(user, action: Action) -> bool:
    """Whether the user is linked to one of the action's leads or to its owner.

    Reads the prefetched `action_leads__lead` and `owner` when the selector provided them.
    """
    if not user.is_authenticated:
        return False
    if action.owner_id and action.owner.user_id == user.pk:
        return True
    return any(link.lead.user_id == user.pk for link in action.action_leads.all())


def can_record_progress(user, action: Action) -> bool:
    """Officers may update the actions they lead or own; the programme office any action of
    their organisation. `action` must already have come through Action.objects.visible_to."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_perm("actions.record_progress_on_any"):
        return True
    return user.has_perm("actions.record_progress_on_own") and leads_or_owns(user, action)
