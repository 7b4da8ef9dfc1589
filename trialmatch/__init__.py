"""TrialMatch: the Django project that ties the apps together."""
