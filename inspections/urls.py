from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("matters/", views.matters, name="matters"),
    path("matters/<int:pk>/edit/", views.matter_edit, name="matter_edit"),
    path("inspectors/", views.inspectors, name="inspectors"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/<slug:action>/", views.plan_action, name="plan_action"),
    path("results/<int:pk>/", views.inspection_result, name="result"),
    # 一公开: no login.
    path("public/", views.public_plans, name="public"),
    path("public/verify_draw.py", views.public_verifier, name="public_verifier"),
    path("public/<int:pk>/", views.public_plan, name="public_plan"),
    path("public/<int:pk>/draw.json.gz", views.public_draw_file, name="public_draw"),
]
