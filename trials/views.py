from django.http import HttpResponse


def search_page(request):
    return HttpResponse("TrialMatch")


def trial_page(request, nct_id):
    return HttpResponse(nct_id)
