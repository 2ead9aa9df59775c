from intelligence import alert_urls, connection_urls, police_urls, report_urls

app_name = "intelligence"
urlpatterns = [
    *report_urls.urlpatterns,
    *alert_urls.urlpatterns,
    *police_urls.urlpatterns,
    *connection_urls.urlpatterns,
]
