from cse_framework.views import landing_path
from shield import policy

app_name = "shield"
urlpatterns = [landing_path(policy)]
