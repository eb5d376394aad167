from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The staff pages that read across apps: the landing page's dashboard, the credit office's
    access-log list, which looks subjects up, and a subject's credit file, which gathers every domain
    app's part of it. Above every domain app, so those stay free of each other. No models, so the
    admin never shows its name."""

    name = "workbench"
