"""Writing the audit log (tracker.models.AuditEntry).

Every save or delete of an audited model, wherever it happens (a service, the Django admin,
a management command), writes an entry from a model signal, so it is inside the same
transaction as the change and nothing can change one without the other. Who did it comes
from the request being served (AuditMiddleware) or from `acting_as` in commands.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

_request: ContextVar[object | None] = ContextVar("audit_request", default=None)
_actor: ContextVar[object | None] = ContextVar("audit_actor", default=None)
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


@dataclass(frozen=True)
class Audited:
    """How one model is audited: the fields whose changes matter (None: every concrete
    field) and the object on whose page its entries appear."""

    fields: tuple[str, ...] | None
    subject: Callable[[models.Model], models.Model]
    on_change: bool = True


def _self(instance):
    return instance


AUDITED: dict[str, Audited] = {
    "recommendations.Response": Audited(None, lambda response: response.recommendation),
    "actions.Action": Audited(("text", "timescale", "support", "due", "owner"), _self),
    "actions.ActionLead": Audited(("lead", "position"), lambda link: link.action),
    "actions.Lead": Audited(("name", "role", "user"), _self),
    "recommendations.TranscriptionCorrection": Audited(
        ("field", "before", "after", "reason"), lambda correction: correction.recommendation
    ),
    "recommendations.Review": Audited(("is_published", "published_by"), _self),
    "recommendations.ReviewImport": Audited(
        ("file_name", "status", "applied_at", "review"),
        lambda upload: upload.review or upload,
    ),
    "recommendations.Membership": Audited(
        ("organisation", "role"), lambda membership: membership.user
    ),
    settings.AUTH_USER_MODEL: Audited(
        ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"),
        _self,
    ),
}


# Who is acting -----------------------------------------------------------------------------


class AuditMiddleware:
    """Makes the request (and so its user and request id) known to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """For work done outside a request (commands, tasks): whose changes these are."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Inside a file load: the load writes one 'imported' entry, not one per row."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def _who() -> tuple[int | None, str, str]:
    request = _request.get()
    user = _actor.get()
    request_id = getattr(request, "request_id", "") if request is not None else ""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", request_id
    name = user.get_full_name() or user.get_username()
    return (
        user.pk,
        f"{name} ({user.get_username()})" if name != user.get_username() else name,
        (request_id),
    )


# Writing entries ---------------------------------------------------------------------------


def record(verb: str, instance: models.Model, subject: models.Model, changes: dict) -> None:
    from tracker.models import AuditEntry

    actor_id, actor_name, request_id = _who()
    AuditEntry.objects.create(
        actor_id=actor_id,
        actor_name=actor_name[:300],
        request_id=request_id,
        verb=verb,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        changes=changes,
    )


def record_import(review: models.Model, summary_lines: list[str]) -> None:
    record("imported", review, review, {"summary": summary_lines})


def _field_names(model: type[models.Model], rule: Audited) -> tuple[str, ...]:
    if rule.fields is not None:
        return rule.fields
    return tuple(field.name for field in model._meta.concrete_fields if not field.primary_key)


def _display(model: type[models.Model], name: str, value: object) -> object:
    """A value as the log should show it: related rows by name, dates as ISO text."""
    field = model._meta.get_field(name)
    if field.is_relation and value is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _stored_values(model, names, instance) -> dict[str, object]:
    attnames = [model._meta.get_field(name).attname for name in names]
    row = model._default_manager.filter(pk=instance.pk).values(*attnames).first()
    if row is None:
        return {}
    return {name: row[attname] for name, attname in zip(names, attnames, strict=True)}


def _current_values(model, names, instance) -> dict[str, object]:
    return {name: getattr(instance, model._meta.get_field(name).attname) for name in names}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    rule = AUDITED[sender._meta.label]
    names = _field_names(sender, rule)
    if raw or _suspended.get() or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(names):
        return  # e.g. last_login at sign-in: nothing audited changes
    instance._audit_before = _stored_values(sender, names, instance)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or _suspended.get():
        return
    rule = AUDITED[sender._meta.label]
    names = _field_names(sender, rule)
    after = _current_values(sender, names, instance)
    if created:
        changes = {name: _display(sender, name, value) for name, value in after.items()}
        record("created", instance, rule.subject(instance), changes)
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is None:
        return
    changes = {
        name: [_display(sender, name, before[name]), _display(sender, name, after[name])]
        for name in names
        if before.get(name) != after[name]
    }
    if changes:
        record("changed", instance, rule.subject(instance), changes)


def _after_delete(sender, instance, **kwargs):
    if _suspended.get():
        return
    rule = AUDITED[sender._meta.label]
    try:
        subject = rule.subject(instance)
    except models.ObjectDoesNotExist:
        subject = instance  # its parent went first, in the same cascade
    values = _current_values(sender, _field_names(sender, rule), instance)
    record(
        "deleted",
        instance,
        subject,
        {name: _display(sender, name, value) for name, value in values.items()},
    )


def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups are their roles. Logged from the user's side only; changes made from
    a group's side are logged per user too."""
    if _suspended.get() or action not in {
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    users = (
        [instance]
        if not reverse
        else list(
            apps.get_model(settings.AUTH_USER_MODEL)._default_manager.filter(pk__in=pk_set or [])
        )
    )
    for user in users:
        if action.startswith("pre_"):
            user._audit_roles_before = sorted(user.groups.values_list("name", flat=True))
            continue
        before = user.__dict__.pop("_audit_roles_before", [])
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            record("roles changed", user, user, {"roles": [before, after]})


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"tracker.audit.{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.delete")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    m2m_changed.connect(
        _roles_changed, sender=user_model.groups.through, dispatch_uid="tracker.audit.roles"
    )
