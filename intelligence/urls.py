from cse_framework.views import landing_path
from intelligence import policy

app_name = "intelligence"
urlpatterns = [landing_path(policy)]
