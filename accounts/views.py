from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import home_summary


@login_required
def home(request):
    """The landing page after login: what this role can do, with a few numbers."""
    return render(request, "accounts/home.html", {"summary": home_summary(user=request.user)})
