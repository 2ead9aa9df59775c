from cse_framework.dashboards import policy
from cse_framework.views import landing_path

app_name = "dashboards"
urlpatterns = [landing_path(policy)]
