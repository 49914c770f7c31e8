"""The "Add from the web" page: import a page by its address or as the browser shows it, and the
bookmarklets that bring a page here from any site.

No cross-site POST: a bookmarklet only opens this page, on our origin, in a window of its own. The address
travels in the query string; a page's HTML (for pages behind a login, which our server cannot fetch) comes
by `postMessage` from the window that opened this one, addressed to our origin only. Either way the
analyst presses "Import" on this page, a form with the CSRF token, so another site cannot make anyone
import anything, and the article opens when it is stored.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from articles.importers import ImportFailed, web

WINDOW = "provenance-import"
WINDOW_FEATURES = "width=760,height=680"


class WebImportForm(forms.Form):
    url = forms.CharField(
        label="Page address",
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/news/story", "size": 60}),
    )
    # Filled by the page's script with the HTML the bookmarklet sent; never typed.
    html = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"hidden": True}))

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("url") and not data.get("html"):
            raise forms.ValidationError("Give the address of the page to import.")
        return data


def bookmarklets(origin: str) -> dict[str, str]:
    """Return the two bookmarklets' code for this site's origin: one sends the address, one the HTML."""
    page = origin + reverse("annotator:web-import")
    by_url = (
        f"window.open({json.dumps(page)}+'?url='+encodeURIComponent(location.href),"
        f"{json.dumps(WINDOW)},{json.dumps(WINDOW_FEATURES)})"
    )
    by_html = (
        f"var o={json.dumps(origin)},w=window.open({json.dumps(page)}+'?via=html&url='+"
        f"encodeURIComponent(location.href),{json.dumps(WINDOW)},{json.dumps(WINDOW_FEATURES)});"
        "function h(e){if(e.source===w&&e.origin===o&&e.data==='provenance:ready'){"
        "w.postMessage({url:location.href,html:document.documentElement.outerHTML},o);"
        "removeEventListener('message',h)}}addEventListener('message',h)"
    )
    return {
        "by_url": f"javascript:(function(){{{by_url}}})();void 0",
        "by_html": f"javascript:(function(){{{by_html}}})();void 0",
    }


@require_http_methods(["GET", "POST"])
def web_import(request: HttpRequest) -> HttpResponse:
    """GET: the form, filled from `?url=`; POST: import the page and open its article."""
    status, error = 200, None
    if request.method == "POST":
        form = WebImportForm(request.POST)
        if form.is_valid():
            url, html = form.cleaned_data["url"] or None, form.cleaned_data["html"]
            try:
                if html:
                    result = web.import_page(html, url=url, imported_by=request.user)
                else:
                    result = web.import_url(url, imported_by=request.user)
            except ImportFailed as failure:
                status, error = 400, f"The page was not imported: {failure}."
            else:
                if result.created:
                    messages.success(request, f"Imported “{result.article.title}”.")
                else:
                    messages.info(request, "This page was imported already; here is its article.")
                return redirect("annotator:article", pk=result.article.pk)
        else:
            status = 400
    else:
        form = WebImportForm(initial={"url": request.GET.get("url", "")})
    origin = f"{request.scheme}://{request.get_host()}"
    context = {
        "form": form,
        "error": error,
        "waits_for_html": request.GET.get("via") == "html",
        "bookmarklets": bookmarklets(origin),
        "max_bytes": settings.FETCH_MAX_BYTES,
    }
    response = render(request, "annotator/web_import.html", context, status=status)
    # The window a bookmarklet opened must keep its opener to receive the page's HTML by postMessage;
    # Django's default "same-origin" policy would cut that link.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response
