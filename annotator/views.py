from django.http import HttpRequest, HttpResponse


def article_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")
