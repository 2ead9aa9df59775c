from intelligence import report_urls

app_name = "intelligence"
urlpatterns = [*report_urls.urlpatterns]
