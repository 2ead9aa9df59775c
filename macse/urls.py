"""MACSE's pages: meetings and their agendas, the printed packs and minutes, and the children's
plans and actions. Each area keeps its own routes."""

from cse_framework.views import landing_path
from macse import document_urls, meeting_urls, plan_urls, policy

app_name = "macse"
urlpatterns = [
    *meeting_urls.urlpatterns,
    *document_urls.urlpatterns,
    *plan_urls.urlpatterns,
]
if not any(pattern.name == "index" for pattern in urlpatterns):
    urlpatterns.insert(0, landing_path(policy))
