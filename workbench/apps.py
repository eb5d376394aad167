from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The staff pages that read across apps: the landing page's dashboard and the credit office's
    access-log list, which looks subjects up. Above every domain app, so those stay free of each other.
    No models, so the admin never shows its name."""

    name = "workbench"
