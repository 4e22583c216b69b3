from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("new/", views.fund_new, name="new"),
    path("support/", views.support_choose, name="support_choose"),
    path("<int:fund_id>/", views.fund_detail, name="detail"),
    path("<int:fund_id>/cong-khai/", views.fund_disclosure, name="disclosure"),
    path("<int:fund_id>/donors/new/", views.donor_new, name="donor_new"),
    path("<int:fund_id>/donations/new/", views.donation_new, name="donation_new"),
    path(
        "<int:fund_id>/donations/<int:donation_id>/reverse/",
        views.donation_reverse,
        name="donation_reverse",
    ),
    path("<int:fund_id>/disbursements/new/", views.disbursement_new, name="disbursement_new"),
    path("<int:fund_id>/norms/new/", views.norms_new, name="norms_new"),
    path("<int:fund_id>/support/", views.fund_support, name="support"),
]
