from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action plans and progress"

    def ready(self) -> None:
        from recommendations.progress import set_progress_provider
        from recommendations.review_files.sections import register_section

        from .dashboard import progress_by_recommendation
        from .review_files import ActionsSection

        register_section(ActionsSection())
        set_progress_provider(progress_by_recommendation)
