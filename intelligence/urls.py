from intelligence import (
    alert_urls,
    connection_urls,
    entity_urls,
    export_urls,
    hotspot_urls,
    police_urls,
    report_urls,
    source_urls,
)

app_name = "intelligence"
urlpatterns = [
    *report_urls.urlpatterns,
    *alert_urls.urlpatterns,
    *police_urls.urlpatterns,
    *connection_urls.urlpatterns,
    *entity_urls.urlpatterns,
    *hotspot_urls.urlpatterns,
    *export_urls.urlpatterns,
    *source_urls.urlpatterns,
]
