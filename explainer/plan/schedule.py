"""Stage 4: which explainers this build publishes. A draft (`draft: true`) and an explainer whose
`published` date or time is still to come are held back, as Hugo holds back drafts and future
posts: no page, no index, feed, sitemap, search or oEmbed entry, no redirect from an old slug.
`--drafts` and `--future` build them anyway (the preview always does), each page with a banner
that says it is not published.

The build's clock is read once, at the edge (pipeline.build), and enters nothing but this
decision: what a page shows, and so its key, depends on which explainers are published and on
their own dates, never on the time of the build. Two builds that publish the same explainers are
byte-identical, whenever they run.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from explainer.content.model import Explainer
from explainer.plan.pages import Summary


@dataclass(frozen=True, slots=True)
class Schedule:
    """What one build publishes: the moment it runs, and whether it builds drafts and explainers
    dated in the future anyway."""

    now: dt.datetime  # aware
    drafts: bool = False
    future: bool = False

    @property
    def key(self) -> str:
        """What of the schedule is an input of the build: the options, never the clock (the last
        build's record says when a held-back explainer falls due: output/rebuild.py)."""
        return f"drafts={int(self.drafts)} future={int(self.future)}"


@dataclass(frozen=True, slots=True)
class Status:
    """Why an explainer is not published yet. Its pages, built anyway, carry a banner saying so."""

    draft: bool
    scheduled: dt.datetime | None  # its release, when still to come, in UTC


@dataclass(frozen=True, slots=True)
class Held:
    """What a build held back, for it to say: how many, and until when. The record of a build
    keeps these counts and the time, never which explainers they are."""

    drafts: int = 0
    scheduled: int = 0
    next: dt.datetime | None = None  # the earliest release still to come, of any explainer, in UTC

    @property
    def count(self) -> int:
        return self.drafts + self.scheduled


def release_of(explainer: Explainer, time_zone: str | None) -> dt.datetime:
    """When an explainer may be published, in UTC: the moment given as `published`, or the first
    moment of its date in the site's time zone (UTC when the site names none)."""
    published = explainer.published
    if isinstance(published, dt.datetime):  # aware: content/dates.py gives every time its zone
        return published.astimezone(dt.timezone.utc)
    zone = zoneinfo.ZoneInfo(time_zone) if time_zone else dt.timezone.utc
    return dt.datetime.combine(published, dt.time(), zone).astimezone(dt.timezone.utc)


def status_of(summary: Summary, now: dt.datetime) -> Status | None:
    """Why the explainer is not published at `now`; None when it is."""
    scheduled = summary.released if summary.released > now else None
    return Status(summary.draft, scheduled) if summary.draft or scheduled else None


def publishes(status: Status | None, schedule: Schedule) -> bool:
    """Whether this build builds an explainer of that status."""
    return status is None or ((schedule.drafts or not status.draft) and (schedule.future or status.scheduled is None))


def held_back(summaries: Iterable[Summary], schedule: Schedule) -> Held:
    """How many of the explainers this build holds back, and the next moment any of them (or one
    built anyway with its banner) falls due."""
    statuses = [status for status in (status_of(s, schedule.now) for s in summaries) if status is not None]
    held = [status for status in statuses if not publishes(status, schedule)]
    due = [status.scheduled for status in statuses if status.scheduled is not None]
    return Held(sum(1 for s in held if s.draft), sum(1 for s in held if not s.draft), min(due, default=None))
