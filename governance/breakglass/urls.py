app_name = "breakglass"
urlpatterns: list = []
