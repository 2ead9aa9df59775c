"""The retention pages (issue 10, item 5): the queue of reviews, a review and its decision, the
schedule and a rule's change, the erasure log. Thin: selector, form, one service, redirect.
No page shows a child's details: ids, dates, counts and reasons only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from governance.retention import closure, policy, selectors, services
from governance.retention.forms import DecisionForm, RuleForm
from governance.retention.models import RecordType, RetentionReview, RetentionRule

PAGE_SIZE = 50


@require_GET
def index(request):
    """The queue: reviews due (and those whose disposal failed), the earliest due first."""
    access.require_roles(request.user, policy.ROLES)
    queue = request.GET.get("queue", "open")
    if queue not in selectors.QUEUES:
        queue = "open"
    paginator = Paginator(selectors.review_queue(user=request.user, queue=queue), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "queue": queue,
        "queues": [(code, label) for code, (label, _) in selectors.QUEUES.items()],
        "queue_label": selectors.QUEUES[queue][0],
        "query": f"queue={queue}",
        "may_decide": access.has_role(request.user, policy.DECIDE_ROLES),
    }
    return render(request, "retention/index.html", context)


def _apply(form: DecisionForm, review: RetentionReview, user):
    decision, reason = form.cleaned_data["decision"], form.cleaned_data.get("reason", "")
    if decision == DecisionForm.DISPOSE:
        services.review_dispose(review=review, by=user)
        return "The record was disposed of: its personal data is erased."
    if decision == DecisionForm.KEEP:
        kept = services.review_keep(
            review=review, months=form.cleaned_data["months"], reason=reason, by=user
        )
        until = f"{kept.keep_until.day} {kept.keep_until:%B %Y}"
        return f"The record is kept. It comes back for review on {until}."
    if decision == DecisionForm.HOLD:
        services.review_hold(review=review, reason=reason, by=user)
        return "The record is on legal hold. It will not be disposed of while held."
    services.review_release(review=review, reason=reason, by=user)
    return "The legal hold has ended. The review is due again."


@require_http_methods(["GET", "POST"])
def review(request, pk):
    """A review: the record (ids and dates), why it is due, whether anything is still open, and
    the decision (information governance only)."""
    access.require_roles(request.user, policy.ROLES)
    item = selectors.review_get(request=request, pk=pk)
    held = item.status == RetentionReview.Status.HELD
    may_decide = access.check(request.user, access.CHANGE, item) and (item.is_open or held)
    form = DecisionForm(request.POST or None, held=held)
    if request.method == "POST":
        if not may_decide:
            access.require_roles(request.user, policy.DECIDE_ROLES)
            raise Http404  # decided already: nothing to change
        if form.is_valid():
            try:
                done = _apply(form, item, request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            except services.DisposalFailed as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("retention:review", pk=item.pk)
        item.refresh_from_db()
    if item.record_type == RecordType.CHILD:
        record_view(request, [item], child_of=lambda review: review.child_id)
        closed_on = None if item.status == "disposed" else closure.child_closure_date(item.child)
    else:
        closed_on = None
    context = {
        "review": item,
        "form": form,
        "may_decide": may_decide,
        "open_reasons": services.open_reasons(item) if item.is_open else [],
        "closed_on": closed_on,
        "others": selectors.record_reviews(review=item).exclude(pk=item.pk),
        "erasure": getattr(item, "erasure", None) if item.status == "disposed" else None,
    }
    return render(request, "retention/review.html", context)


@require_GET
def rules(request):
    """The retention schedule: one rule per record type, and who may change each."""
    access.require_roles(request.user, policy.ROLES)
    rows = [
        (rule, request.user.has_role(*services.RULE_ROLES[rule.record_type]))
        for rule in selectors.rules()
    ]
    return render(request, "retention/rules.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def rule_change(request, record_type):
    """Change one rule: information governance, or police for intelligence."""
    if record_type not in RecordType.values:
        raise Http404
    access.require_roles(request.user, services.RULE_ROLES[record_type])
    rule = get_object_or_404(RetentionRule, record_type=record_type)
    initial = {"amount": rule.amount, "unit": rule.unit, "trigger": rule.trigger}
    form = RuleForm(request.POST or None, initial={**initial, "action": rule.action})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_change(rule=rule, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The rule for {rule.get_record_type_display()} is changed.")
            return redirect("retention:rules")
    context = {
        "form": form,
        "rule": rule,
        "versions": rule.history.select_related("history_user").order_by("-history_id")[:20],
    }
    return render(request, "retention/rule_change.html", context)


@require_GET
def erasures(request):
    """The erasure log: what was erased, when, by whom, under which rule. No personal data."""
    access.require_roles(request.user, policy.ROLES)
    paginator = Paginator(selectors.erasure_log(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "retention/erasures.html", {"page": page, "query": ""})
