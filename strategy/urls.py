from cse_framework.views import landing_path
from strategy import policy

app_name = "strategy"
urlpatterns = [landing_path(policy)]
