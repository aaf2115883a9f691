from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Peer challenge tracker"

    def ready(self):
        # Connects the sign-in signal receivers.
        from django.contrib.auth.signals import user_logged_in

        from tracker import audit, checks, security_log  # noqa: F401 - checks registers
        from tracker.middleware import start_session_clock

        security_log.connect_lockout_signal()
        audit.connect()
        user_logged_in.connect(start_session_clock, dispatch_uid="tracker.session_clock")
