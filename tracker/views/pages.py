"""The pages a reader and a learner look at: the roadmap, a phase, home."""

from django.utils import timezone

from accounts.profiles import profile_of
from tracker.progress import activity, notes, plans, search, stamping
from tracker.progress.forms import LinkForm, NoteForm, RoadmapSearchForm
from tracker.progress.loader import learner_progress, learner_progress_and_plan
from tracker.views import page_memo
from tracker.views.decorators import cached_for_visitors, login_required_htmx

PAGE = "tracker/roadmap.html"
# The region a search updates in place (roadmap.html#search-region).
SEARCH_REGION = "search-results"


def _roadmap_progress(request):
    """The default roadmap with the viewer's own progress, which they may change."""
    return learner_progress(request.user, editable=True)


def _shortcuts_on(request):
    """Whether the learner keeps the keyboard shortcuts (their settings); the
    profile came with the session (accounts/sessions.py): no query."""
    return request.user.is_authenticated and profile_of(request.user).keyboard_shortcuts


@cached_for_visitors
def roadmap(request):
    """The whole roadmap, or what the address's search and filter find."""
    form = RoadmapSearchForm(request.GET) if request.GET else None
    if form is not None and not form.is_valid():
        return _bad_search(request, form)
    criteria = form.cleaned_data["criteria"] if form else search.Criteria()
    progress = _roadmap_progress(request)
    results = search.results(progress, criteria)
    shortcuts = _shortcuts_on(request)

    def build_page():
        context = {**_search_context(request, progress, criteria), "results": results}
        if results is None:
            outline = stamping.outline(progress)
        else:
            outline = stamping.stamped(progress, f"{PAGE}#results", {"results": results})
        if request.htmx and request.htmx.target == SEARCH_REGION:
            return stamping.page(
                request, f"{PAGE}#search-region", {**context, "in_place": True}, outline=outline
            )
        return stamping.page(request, PAGE, context, outline=outline)

    # What the search found is read from the database (notes change): part of the key.
    inputs = (progress.state, results and results.key, shortcuts)
    return page_memo.respond(request, inputs, build_page)


def _search_context(request, progress, criteria):
    return {
        "progress": progress,
        "phases": progress.tree.phases,
        "shortcuts": _shortcuts_on(request),
        "criteria": criteria,
        "show_choices": search.SHOW_CHOICES,
        "max_query": search.MAX_QUERY_CHARS,
    }


def _bad_search(request, form):
    """The page with the search as sent and what is wrong with it, in a 400."""
    progress = _roadmap_progress(request)
    # The words as typed, cut to the limit: a huge address is not echoed back whole.
    typed = form.data.get("q", "")[: search.MAX_QUERY_CHARS]
    criteria = search.Criteria(typed, form.cleaned_data.get("show") or search.EVERYTHING)
    errors = [error for errors in form.errors.values() for error in errors]
    context = {**_search_context(request, progress, criteria), "search_errors": errors}
    response = stamping.page(request, PAGE, context, outline=b"")
    response.status_code = 400
    return response


@cached_for_visitors
def phase_detail(request, slug):
    progress = _roadmap_progress(request)
    phase = progress.tree.phase(slug)
    shortcuts = _shortcuts_on(request)

    def build_page():
        context = {"progress": progress, "single_phase": phase, "shortcuts": shortcuts}
        outline = stamping.outline(progress, [phase], single_phase=True)
        return stamping.page(request, PAGE, context, outline=outline)

    return page_memo.respond(request, (progress.state, shortcuts), build_page)


@login_required_htmx
def home(request):
    progress, saved_plan = learner_progress_and_plan(request.user, editable=True)
    today = timezone.localdate()

    def build_page():
        plan = plans.plan_settings(progress, today, saved_plan)
        context = {
            "progress": progress,
            "continue_item": progress.continue_item(),
            "recent": progress.recent_completions(),
            "activity": activity.build(progress.completion_days(), today),
            "plan": plan,
            "pace": plans.project(progress, plan, today),
        }
        summary = stamping.phases_summary(progress)
        return stamping.page(request, "tracker/home.html", context, phases_summary=summary)

    return page_memo.respond(request, (progress.state, saved_plan, today), build_page)


@cached_for_visitors
def topic_detail(request, phase, section, topic):
    """A topic's guide: its own page, or the roadmap's drawer when htmx asks for it."""
    progress = _roadmap_progress(request)
    topic = progress.topic_at(phase, section, topic)
    mine = notes.of_topic(request.user, topic.pk)
    shortcuts = _shortcuts_on(request)

    def build_page():
        return topic_page(request, progress, topic, mine)

    return page_memo.respond(request, (progress.state, mine.key, shortcuts), build_page)


def topic_page(request, progress, topic, mine, status=200, **forms):
    """The topic's guide with the learner's own note and links (`mine`).

    `forms` replaces the blank note and link forms with bound ones, or adds
    a `conflict` (tracker.progress.notes.Conflict), when a save sent without
    JavaScript shows the page again with what needs the learner's attention.
    """
    # The prerequisites as the tree has them, with the learner's counts.
    needs = [progress.topic(needed.pk) for needed in topic.prerequisites.all()]
    context = {
        "progress": progress,
        "topic": topic,
        "needs": needs,
        "mine": mine,
        "shortcuts": _shortcuts_on(request),
    }
    if progress.editable:
        context |= {"note_form": note_form(mine.note), "link_form": LinkForm(), **forms}
    drawer = request.htmx and request.htmx.target == "drawer-content"
    template = "tracker/topic.html#drawer" if drawer else "tracker/topic.html"
    items = stamping.guide_items(progress, topic)
    response = stamping.page(request, template, context, items=items)
    response.status_code = status
    return response


def note_form(note):
    """The note's form as stored: its text and the revision it was read at."""
    initial = {"body": note.body, "revision": note.revision} if note else {"revision": 0}
    return NoteForm(initial=initial)
