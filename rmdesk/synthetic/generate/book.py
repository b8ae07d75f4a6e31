"""The book (管户): who has been responsible for each customer, and since when.

Every customer has exactly one open primary assignment, to the manager in
``Customer.primary_manager``; some were handed over before (an ended primary assignment to a
colleague, or to a manager who has since left, ending the day before the current one began),
and some have an assisting manager of the same outlet as well.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from rmdesk.customers.models import BookRole
from rmdesk.synthetic.generate.common import Window, as_dates, rng_for
from rmdesk.synthetic.generate.customers import Customers
from rmdesk.synthetic.generate.org import Org
from rmdesk.synthetic.names import HANDOVER_REASONS
from rmdesk.synthetic.scales import Scale

_DEPARTURE_REASON = HANDOVER_REASONS.index("客户经理离职移交")


def generate_book(scale: Scale, seed: int, window: Window, org: Org, customers: Customers) -> pl.DataFrame:
    """Book assignments of every customer: current primary, earlier primaries, assisting.

    Plants: ``handover_share`` of the customers handed over before (from a departed manager of
    their outlet when it has one and they were customers before the departure, otherwise from
    a colleague of the same outlet), ``assisting_share`` with an assisting manager of the same
    outlet; every assignment made by the outlet's team leader.
    """
    rng = rng_for(seed, "book")
    c = customers
    n, last = c.n, window.last
    since = c.since
    manager = c.manager
    outlet = c.township
    # Colleagues are the other managers of the customer's outlet; an outlet of one has none.
    first, staff = org.outlet_first_manager[outlet], org.outlet_staff[outlet]
    has_colleague = staff > 1
    colleague = first + (manager - first + rng.integers(1, np.maximum(staff, 2))) % staff

    departed_of_outlet = np.full(scale.outlets, -1)
    departed_on = np.full(scale.outlets, -1)
    departed_of_outlet[org.departed_outlet[::-1]] = np.arange(len(org.departed_outlet))[::-1]
    departed_on[org.departed_outlet[::-1]] = org.departed_on[::-1]
    their_departed = departed_of_outlet[outlet]
    left_on = departed_on[outlet]

    handed = (rng.random(n) < scale.handover_share) & (since < last - 60)
    by_departed = handed & (their_departed >= 0) & (since < left_on - 30) & (rng.random(n) < 0.6)
    by_colleague = handed & ~by_departed & has_colleague
    handover_on = np.where(by_departed, left_on, since + 30 + (rng.random(n) * np.maximum(last - since - 31, 0)).astype(np.int64))
    previous = np.where(by_departed, org.departed_ids[np.maximum(their_departed, 0)], org.manager_ids[colleague])
    earlier = by_departed | by_colleague
    reason = np.where(by_departed, _DEPARTURE_REASON, rng.integers(0, len(HANDOVER_REASONS), n))

    assisting = (rng.random(n) < scale.assisting_share) & has_colleague
    helper = first + (manager - first + rng.integers(1, np.maximum(staff, 2))) % staff
    helps_from = since + (rng.random(n) * (last - since)).astype(np.int64)

    leader = org.leader_ids[outlet]
    current_start = np.where(earlier, handover_on, since)
    parts = [
        (np.arange(n), org.manager_ids[manager], BookRole.PRIMARY.value, current_start, np.full(n, -1), leader,
         np.where(earlier, np.array(HANDOVER_REASONS, dtype=object)[reason], "新客户开户")),
    ]
    e = np.flatnonzero(earlier)
    parts.append((e, previous[e], BookRole.PRIMARY.value, since[e], handover_on[e] - 1, leader[e], np.full(len(e), "新客户开户", dtype=object)))
    a = np.flatnonzero(assisting)
    parts.append((a, org.manager_ids[helper[a]], BookRole.ASSISTING.value, helps_from[a], np.full(len(a), -1), leader[a], np.full(len(a), "协办客户经理", dtype=object)))

    customer = np.concatenate([p[0] for p in parts])
    started = np.concatenate([p[3] for p in parts])
    ended = np.concatenate([p[4] for p in parts])
    order = np.lexsort((started, customer))
    total = len(customer)
    return pl.DataFrame(
        {
            "id": np.arange(1, total + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "manager_id": np.concatenate([p[1] for p in parts])[order],
            "role": np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])[order].astype(str),
            "started_on": as_dates(started[order]),
            "ended_on": pl.select(pl.when(pl.Series(ended[order] >= 0)).then(pl.Series(as_dates(np.maximum(ended[order], 0)))).alias("e")).to_series(),
            "assigned_by_id": np.concatenate([p[5] for p in parts])[order],
            "reason": np.concatenate([np.asarray(p[6], dtype=object) for p in parts])[order].astype(str),
        }
    )
