"""Writing the audit log (tracker.models.AuditEntry).

Every save or delete of an audited model, wherever it happens (a service, the Django admin,
a management command), writes an entry from a model signal, so it is inside the same
transaction as the change and nothing can change one without the other. Writes that send
no signal go through AuditedQuerySet: `update()` and `bulk_update()` write one entry per
row changed, `bulk_create()` is refused unless the caller accounts for the rows itself
(inside `suspended()`, as the review-file loader does), and `delete()` already sends a
signal per row. Who did it comes from `acting_as` (services, commands, tasks) or else from
the request being served (AuditMiddleware); an audited change with neither is refused
(NoActorError), so no entry is ever written without someone to answer for it.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from tracker import access
from tracker.access import RestrictedQuerySet
from tracker.acting import Actor, acting_as, current_actor

# Who acts is kept in tracker.acting (free of Django, for manage.py); code says
# audit.acting_as(user) and audit.Actor(name).

_request: ContextVar[object | None] = ContextVar("audit_request", default=None)
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)
_password_verb: ContextVar[str | None] = ContextVar("audit_password_verb", default=None)


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


class NoActorError(Exception):
    """An audited change was attempted with nobody to answer for it: no `acting_as`, and no
    signed-in user in the request being served. Nothing is written."""


class BulkWriteRefused(Exception):
    """`bulk_create()` on an audited model outside `suspended()`: it sends no signal, so it
    would leave no entry. Save the rows one by one, or load them inside `suspended()` and
    record one entry for the load (as the review-file loader does)."""


# Who is acting -----------------------------------------------------------------------------


class AuditMiddleware:
    """Makes the request (and so its user and request id) known to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        # A request acts as its own user: nothing set around it (a test, a thread that
        # served something else) may speak for it.
        actor_token = current_actor.set(None)
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(actor_token)
            _request.reset(token)


@contextlib.contextmanager
def resetting_password(user) -> Iterator[None]:
    """Someone setting a new password through an emailed reset link is signed out; the link
    proves they are `user`, who therefore answers for the change (verb "password reset")."""
    token = _password_verb.set("password reset")
    try:
        with acting_as(user):
            yield
    finally:
        _password_verb.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Inside a file load: the load writes one 'imported' entry, not one per row."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def _who() -> tuple[int | None, str, str]:
    """The acting user's id and name, and the request id; NoActorError if nobody acts."""
    request = _request.get()
    actor = current_actor.get()
    request_id = getattr(request, "request_id", "") if request is not None else ""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if isinstance(actor, Actor) and actor.name:
        return actor.pk, actor.name, request_id
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NoActorError(
            "An audited change needs someone to answer for it: wrap it in "
            "audit.acting_as(user), or make it in a signed-in request."
        )
    return actor.pk, actor_name(actor), request_id


def actor_name(user) -> str:
    """How the log names a user: "Ada Admin (admin)", or the username alone."""
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.get_username()})" if name != user.get_username() else name


# Writing entries ---------------------------------------------------------------------------


def record(verb: str, instance: models.Model, subject: models.Model, changes: dict) -> None:
    from tracker.models import AuditEntry

    actor_id, name, request_id = _who()
    AuditEntry.objects.create(
        actor_id=actor_id,
        actor_name=name[:300],
        request_id=request_id,
        verb=verb,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        changes=changes,
        organisation_id=_organisation_id(subject),
    )


def _organisation_id(subject: models.Model) -> int | None:
    """The council an entry belongs to: its subject's, or for a user their membership's."""
    if hasattr(type(subject), "organisation_path"):
        return access.organisation_id_of_object(subject)
    membership = getattr(subject, "membership", None)
    return getattr(membership, "organisation_id", None)


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
    if raw or _suspended.get():
        return
    # A new password set with set_password() is audited too (a hash upgraded at sign-in,
    # saved without _password, is not).
    setting_password = getattr(instance, "_password", None) is not None
    if update_fields is not None and not set(update_fields) & {
        *names,
        *(["password"] if setting_password else []),
    }:
        return  # e.g. last_login at sign-in: nothing audited changes
    _who()  # refuse before the row is written, not after
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(names):
        return
    instance._audit_before = _stored_values(sender, names, instance)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or _suspended.get():
        return
    if not created and getattr(instance, "_password", None) is not None:
        _password_set(instance)
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


def _password_set(user) -> None:
    """A new password was set with set_password(): by its owner on the account page, through
    an emailed reset link, or by an operator (the Django admin, `changepassword`). Neither
    the password nor its hash is written anywhere. (A hash upgraded at sign-in leaves
    `_password` unset, so it is not reported as a change.)"""
    from tracker import security_log

    actor_id, name, _ = _who()
    verb = _password_verb.get() or ("password changed" if actor_id == user.pk else "password set")
    record(verb, user, user, {})
    request = _request.get()
    username = user.get_username()
    transaction.on_commit(
        lambda: security_log.event(
            verb.replace(" ", "_"),
            request,
            username=username,
            user_id=user.pk,
            by=name,
            by_user_id=actor_id,
        )
    )


def _before_delete(sender, instance, **kwargs):
    if not _suspended.get():
        _who()  # refuse before the row is deleted, not after


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
            _who()  # refuse before the roles change
            user._audit_roles_before = sorted(user.groups.values_list("name", flat=True))
            continue
        before = user.__dict__.pop("_audit_roles_before", [])
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            record("roles changed", user, user, {"roles": [before, after]})


# Writes that send no signal ---------------------------------------------------------------


class AuditedQuerySet(models.QuerySet):
    """The queryset of every audited model (alone or beside its own queryset's base), so
    that writes which bypass save() and delete() cannot bypass the log.

    - `update()` touching an audited field writes one "changed" entry per row whose audited
      values changed, with before and after, in the same transaction. `bulk_update()` runs
      through it, so it does the same.
    - `delete()` needs nothing here: Django sends post_delete for each row (and each row of
      a cascade) because the log listens, so each leaves a "deleted" entry.
    - `bulk_create()` is refused outside `suspended()`: creating rows in bulk is a load, and
      a load writes one entry saying what it loaded (review files, demo data).
    """

    def update(self, **kwargs):
        rule = AUDITED.get(self.model._meta.label)
        if rule is None or _suspended.get():
            return super().update(**kwargs)
        meta = self.model._meta
        names = _field_names(self.model, rule)
        if not {meta.get_field(name).name for name in kwargs} & set(names):
            return super().update(**kwargs)  # e.g. a version counter: nothing audited
        _who()  # refuse before any row changes
        attnames = [meta.get_field(name).attname for name in names]
        with transaction.atomic(using=self.db, savepoint=False):
            rows = self.order_by().values("pk", *attnames)
            if not self.query.distinct:
                rows = rows.select_for_update(of=("self",))
            before = {
                row["pk"]: dict(zip(names, (row[a] for a in attnames), strict=True)) for row in rows
            }
            same_rows = self.model._base_manager.using(self.db).filter(pk__in=list(before))
            count = models.QuerySet.update(same_rows, **kwargs)
            for pk, instance in same_rows.in_bulk(list(before)).items():
                after = _current_values(self.model, names, instance)
                changes = {
                    name: [
                        _display(self.model, name, before[pk][name]),
                        _display(self.model, name, after[name]),
                    ]
                    for name in names
                    if before[pk][name] != after[name]
                }
                if changes:
                    record("changed", instance, rule.subject(instance), changes)
        return count

    def bulk_create(self, objs: Iterable[models.Model], *args, **kwargs):
        if self.model._meta.label in AUDITED and not _suspended.get():
            raise BulkWriteRefused(
                f"bulk_create() of {self.model._meta.label} would leave no audit entry: "
                "save the rows one by one, or load them inside audit.suspended() and record "
                "one entry for the load."
            )
        return super().bulk_create(objs, *args, **kwargs)


class AuditedRestrictedQuerySet(AuditedQuerySet, RestrictedQuerySet):
    """A council's data whose changes are audited: the audited models with no queryset
    methods of their own use it as it is."""


def _require_audited_queryset(model: type[models.Model]) -> None:
    """Our audited models list AuditedQuerySet among their queryset's bases (where the model
    is read). The user model is Django's, so its manager class is given it here (on the
    class, so that related managers such as `group.user_set` have it too)."""
    manager_class = type(model._default_manager)
    queryset_class = manager_class._queryset_class
    if issubclass(queryset_class, AuditedQuerySet):
        return
    if model._meta.app_label != "auth":
        raise ImproperlyConfigured(
            f"{model._meta.label} is audited: its queryset must include "
            "tracker.audit.AuditedQuerySet, or update() and bulk writes skip the log."
        )
    manager_class._queryset_class = type(
        f"Audited{queryset_class.__name__}", (AuditedQuerySet, queryset_class), {}
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        _require_audited_queryset(model)
        uid = f"tracker.audit.{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.delete")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    m2m_changed.connect(
        _roles_changed, sender=user_model.groups.through, dispatch_uid="tracker.audit.roles"
    )
