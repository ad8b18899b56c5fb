"""What the base template needs to draw the navigation for the user's roles."""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": user.scope}
