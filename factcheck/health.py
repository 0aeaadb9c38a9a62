from django.http import HttpResponse


def healthz(request):
    """Liveness for load balancers and Compose; also the 'hello world' baseline of the load benchmarks."""
    return HttpResponse("ok", content_type="text/plain")
