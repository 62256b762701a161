from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("reception.web.urls")),
]

# The site's own layout for errors, with a search box (reception.web.views).
handler404 = "reception.web.views.not_found"
handler500 = "reception.web.views.server_error"
