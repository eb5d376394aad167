from django.urls import path

from . import views

# review-queue/ comes before the <int:pk>/ routes (an int converter would not match it anyway, but the
# order keeps it obvious).
urlpatterns = [
    path("", views.RecordListCreateApi.as_view(), name="api-record-list"),
    path("review-queue/", views.RecordReviewQueueApi.as_view(), name="api-record-review-queue"),
    path("review-queue/bulk/", views.RecordBulkReviewApi.as_view(), name="api-record-review-bulk"),
    path("<int:pk>/", views.RecordDetailApi.as_view(), name="api-record-detail"),
    path("<int:pk>/submit/", views.RecordSubmitApi.as_view(), name="api-record-submit"),
    path("<int:pk>/approve/", views.RecordApproveApi.as_view(), name="api-record-approve"),
    path("<int:pk>/return/", views.RecordReturnApi.as_view(), name="api-record-return"),
    path("<int:pk>/revoke/", views.RecordRevokeApi.as_view(), name="api-record-revoke"),
    path("<int:pk>/repair/", views.RecordRepairApi.as_view(), name="api-record-repair"),
]
