"""/api/v1/ endpoints of the problem list and premises."""

from django.urls import path

from warmwinter.hazards.api import hazards, premises

urlpatterns = [
    path("hazards", hazards.HazardList.as_view(), name="hazard-list"),
    path("hazards/<int:hazard_id>", hazards.HazardDetail.as_view(), name="hazard-detail"),
    path("hazards/<int:hazard_id>/transitions", hazards.HazardTransitions.as_view(), name="hazard-transitions"),
    path("premises", premises.PremisesList.as_view(), name="premises-list"),
    path("premises/<int:premises_id>", premises.PremisesDetail.as_view(), name="premises-detail"),
    path("premises/<int:premises_id>/inspections", premises.PremisesInspections.as_view(), name="premises-inspections"),
]
