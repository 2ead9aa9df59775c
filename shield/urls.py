"""Shield's pages: casework (queue, caseloads, cases, notes, chronology), the CSE2, and events
(incidents, missing episodes, flags). Each area keeps its own routes."""

from shield import assessment_urls, casework_urls, event_urls

app_name = "shield"
urlpatterns = [
    *casework_urls.urlpatterns,
    *assessment_urls.urlpatterns,
    *event_urls.urlpatterns,
]
