from django.http import JsonResponse
from django.shortcuts import render

from jiebang.core.permissions import require_perm

from ..forms import FeedbackFilterForm
from ..models import FeedbackItem
from ..queries import AXES
from ..queries import heatmap as heatmap_counts


def _data(request):
    require_perm(request.user, "needs.view_feedback")
    form = FeedbackFilterForm(request.GET or None, user=request.user)
    axis = request.GET.get("axis") if request.GET.get("axis") in AXES else "county"
    items = form.filter(FeedbackItem.objects.visible_to(request.user))
    return form, heatmap_counts(items, axis)


def heatmap(request):
    form, data = _data(request)
    return render(request, "needs/heatmap.html", {"form": form, "data": data})


def heatmap_data(request):
    _form, data = _data(request)
    return JsonResponse(data)
