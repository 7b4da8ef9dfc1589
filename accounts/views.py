"""Sign up, sign in, sign out. Signing in (either way) fires ``user_logged_in``, which hands a
visitor's pre-screening and "Find trials for me" answers to the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.forms import SignInForm, SignUpForm
from accounts.services import EmailTaken, do_sign_up


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing up: a ``next`` on this site, else the match page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        context = {"form": SignUpForm(), "next": request.GET.get("next", "")}
        return render(request, "accounts/signup.html", context)
    form = SignUpForm(request.POST)
    if form.is_valid():
        try:
            user = do_sign_up(form.cleaned_data["email"], form.cleaned_data["password1"])
        except EmailTaken:
            form.add_error("email", "An account with this email already exists. Sign in instead.")
        else:
            login(request, user)
            return HttpResponseRedirect(_next_url(request))
    context = {"form": form, "next": request.POST.get("next", "")}
    return render(request, "accounts/signup.html", context, status=400)


class SignInView(auth_views.LoginView):
    """Django's sign-in, answering a rejected form with 400 like the site's other forms."""

    form_class = SignInForm
    template_name = "accounts/login.html"

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
