from django.http import HttpResponse


def home(request):
    return HttpResponse("")


role_preview = consent = resume = section = result = delete = home
