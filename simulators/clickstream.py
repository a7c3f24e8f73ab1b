"""Website click events: shopping sessions of returning users, following a daily rhythm."""

import heapq
import math
from bisect import bisect
from datetime import datetime
from itertools import accumulate
from typing import TypeVar

from simulators.catalog import CATEGORIES, CatalogItem, build_catalog
from simulators.clock import LOCAL_UTC_OFFSET_MIN, epoch_minute, minute_timestamp
from simulators.ids import derived_rng, unit_interval, user_id, uuid_in, uuid_namespace

T = TypeVar("T")

SESSION_TIMEOUT_MIN = 30
_CATEGORY_SWITCH = 0.08
_RELATED_ITEM = 0.4  # on a product page, "similar items" rather than the bestsellers
_CLICK_COUNTS = (1, 2, 3)
_CLICK_COUNT_CUM = (0.88, 0.97, 1.0)
_DEVICES = ("mobile", "desktop", "tablet")
_DEVICE_CUM = (0.56, 0.91, 1.0)
_OTHER_DEVICE = 0.1
# Where the next click happens, given the page of the previous one (None: session start).
_NEXT_PAGE = {
    None: (("home", "search", "category", "product"), (0.35, 0.25, 0.2, 0.2)),
    "home": (("category", "search", "product"), (0.4, 0.2, 0.4)),
    "search": (("product", "search", "category"), (0.6, 0.25, 0.15)),
    "category": (("product", "category", "search"), (0.65, 0.25, 0.1)),
    "product": (("product", "category", "search", "cart", "home"), (0.55, 0.13, 0.1, 0.17, 0.05)),
    "cart": (("checkout", "product", "cart"), (0.45, 0.4, 0.15)),
    "checkout": (("product", "home"), (0.5, 0.5)),
}
_NEXT_PAGE_CUM = {page: (pages, list(accumulate(p))) for page, (pages, p) in _NEXT_PAGE.items()}


def diurnal_factor(minute: int) -> float:
    """Traffic relative to the daily mean: lowest around 04:00, highest in the evening.

    Both harmonics average to zero over a day, so the factor's daily mean is exactly 1.
    """
    hours = ((minute + LOCAL_UTC_OFFSET_MIN) % 1440) / 60.0
    return (
        1.0
        + 0.65 * math.cos(2 * math.pi * (hours - 17.0) / 24.0)
        + 0.2 * math.cos(4 * math.pi * (hours - 21.0) / 24.0)
    )


class _Session:
    __slots__ = ("cart_item", "category", "clicks_left", "device", "item", "page", "session_id",
                 "user_id")  # fmt: skip


class _Shelf:
    """A category's items: drawn by popularity, or next to a given item (same brand, similar)."""

    def __init__(self, items: list[CatalogItem]) -> None:
        self.items = sorted(items, key=lambda item: (item.brand, item.price_eur))
        self.position = {item.item_id: k for k, item in enumerate(self.items)}
        self.cum_popularity = list(accumulate(item.popularity for item in self.items))

    def popular(self, unit: float) -> CatalogItem:
        k = bisect(self.cum_popularity, unit * self.cum_popularity[-1])
        return self.items[min(k, len(self.items) - 1)]

    def near(self, item: CatalogItem, offset: int) -> CatalogItem:
        k = min(max(self.position[item.item_id] + offset, 0), len(self.items) - 1)
        return self.items[k]


class ClickstreamSimulator:
    """Click events minute by minute, in event_ts order.

    The number of clicks in a minute is Poisson with mean `clicks_per_minute` times the
    diurnal factor. Each click continues a session that is due for its next click, or starts a
    new one; sessions last a few clicks over a few minutes and time out after 30 idle minutes.
    """

    def __init__(self, seed: int, start: datetime, clicks_per_minute: float) -> None:
        if not math.isfinite(clicks_per_minute) or clicks_per_minute < 0:
            raise ValueError("clicks_per_minute must be a finite number >= 0")
        self._clicks_per_minute = clicks_per_minute
        self._minute = epoch_minute(start)
        self._seed = seed
        self._rng = derived_rng(seed, "clickstream")
        self.catalog = build_catalog(seed)
        self._shelves = {
            category: _Shelf([item for item in self.catalog if item.category == category])
            for category in CATEGORIES
        }
        shares = [sum(i.popularity for i in self._shelves[c].items) for c in CATEGORIES]
        self._category_cum = list(accumulate(shares))
        # A user base a few times the daily session count, so regulars return within the day.
        self._population = max(1000, int(clicks_per_minute * 1440))
        self._event_ids = uuid_namespace(seed, self._minute, "clickstream")
        self._session_ids = uuid_namespace(seed, self._minute, "session")
        self._events = self._sessions = 0
        self._due: list[tuple[int, int, _Session]] = []

    def next_minute(self) -> list[dict]:
        minute = self._minute
        self._minute += 1
        rate = self._clicks_per_minute * diurnal_factor(minute)
        if rate <= 0.0:
            return []
        due = self._due
        while due and due[0][0] < minute - SESSION_TIMEOUT_MIN:
            heapq.heappop(due)
        prefix = minute_timestamp(minute)[:-3]
        expovariate = self._rng.expovariate
        records = []
        # Arrival times of a Poisson process: exponential gaps, counted until the minute ends.
        elapsed = expovariate(rate)
        while elapsed < 1.0:
            is_due = due and due[0][0] <= minute
            session = heapq.heappop(due)[2] if is_due else self._new_session()
            records.append(self._click(session, f"{prefix}{int(elapsed * 60):02d}Z"))
            if session.clicks_left:
                gap_min = 1 + int(self._rng.expovariate(1 / 1.2))
                heapq.heappush(due, (minute + gap_min, self._events, session))
            elapsed += expovariate(rate)
        return records

    def _new_session(self) -> _Session:
        rng = self._rng
        session = _Session()
        self._sessions += 1
        session.session_id = uuid_in(self._session_ids, self._sessions)
        # Activity is heavy-tailed: low user numbers are the regulars.
        number = 1 + int(self._population * rng.random() ** 1.5)
        session.user_id = user_id(number)
        preferred = _pick(_DEVICES, _DEVICE_CUM, unit_interval(self._seed, "device", number))
        session.device = _pick(_DEVICES, _DEVICE_CUM, rng.random())
        if rng.random() >= _OTHER_DEVICE:
            session.device = preferred
        session.category = self._random_category()
        session.clicks_left = 1 + int(rng.expovariate(1 / 3.5))
        session.page = session.item = session.cart_item = None
        return session

    def _random_category(self) -> str:
        """A category drawn by its share of popularity, so items keep their overall shares."""
        cum = self._category_cum
        return CATEGORIES[bisect(cum, self._rng.random() * cum[-1])]

    def _clicked_item(self, session: _Session, page: str) -> CatalogItem:
        rng = self._rng
        if page == "checkout" or (page == "cart" and session.item is None):
            return session.cart_item or self._shelves[session.category].popular(rng.random())
        if page == "cart":
            return session.item  # put the item just viewed into the cart
        shelf = self._shelves[session.category]
        viewed = session.item
        if (
            page == "product"
            and viewed is not None
            and viewed.category == session.category
            and rng.random() < _RELATED_ITEM
        ):
            return shelf.near(viewed, rng.choice((-2, -1, 1, 2)))
        return shelf.popular(rng.random())

    def _click(self, session: _Session, event_ts: str) -> dict:
        rng = self._rng
        pages, cum = _NEXT_PAGE_CUM[session.page]
        page = pages[bisect(cum, rng.random() * cum[-1])]
        if rng.random() < _CATEGORY_SWITCH:
            session.category = self._random_category()
        item = self._clicked_item(session, page)
        if page == "cart":
            session.cart_item = item
        session.page, session.item = page, item
        session.clicks_left -= 1
        if page == "checkout" and rng.random() < 0.6:
            session.clicks_left = 0  # bought; most buyers leave
        self._events += 1
        return {
            "schema_version": 1,
            "event_id": uuid_in(self._event_ids, self._events),
            "event_ts": event_ts,
            "session_id": session.session_id,
            "user_id": session.user_id,
            "item_id": item.item_id,
            "item_name": item.name,
            "category": item.category,
            "click_count": _pick(_CLICK_COUNTS, _CLICK_COUNT_CUM, rng.random()),
            "page": page,
            "device": session.device,
        }


def _pick(values: tuple[T, ...], cum: tuple[float, ...], unit: float) -> T:
    return values[bisect(cum, unit)]
