app_name = "subject_access"
urlpatterns: list = []
