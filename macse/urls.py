from cse_framework.views import landing_path
from macse import policy

app_name = "macse"
urlpatterns = [landing_path(policy)]
