"""Thresholds against a run's final snapshot: pass or fail, and a sentence for every failure."""

from __future__ import annotations

import msgspec

from fleetctl.loadtest.aggregate import Snapshot
from fleetctl.loadtest.profiles import Thresholds


class Check(msgspec.Struct, kw_only=True):
    threshold: str  # e.g. "p99_put_ms"
    scope: str  # a stream, or "total"
    limit: float
    measured: float | None  # None: nothing to measure
    passed: bool
    reason: str  # one line, also for a pass


class Verdict(msgspec.Struct, kw_only=True):
    passed: bool
    checks: list[Check]

    @property
    def failures(self) -> list[str]:
        return [check.reason for check in self.checks if not check.passed]


def judge(snapshot: Snapshot, thresholds: Thresholds, sink: str) -> Verdict:
    checks: list[Check] = []
    total = snapshot.total
    if (limit := thresholds.p99_put_ms) is not None:
        p99 = total.put_ms.p99 if total.put_ms else None
        checks.append(_at_most("p99_put_ms", p99, limit, "put latency p99", "{:,g} ms"))
    if (limit := thresholds.error_rate) is not None:
        rate = total.error_rate if total.sent else None
        checks.append(_at_most("error_rate", rate, limit, "error rate", "{:.4%}"))
    if (limit := thresholds.p99_lag_s) is not None:
        p99 = total.lag_s.p99 if total.lag_s else None
        checks.append(_at_most("p99_lag_s", p99, limit, "end-to-end lag p99", "{:,g} s", sink))
    if (limit := thresholds.min_achieved_ratio) is not None:
        for stream, summary in snapshot.streams.items():
            if summary.achieved_ratio is None:
                continue  # no target, nothing to reach
            ratio = summary.achieved_ratio
            passed = ratio >= limit
            rates = f"{summary.achieved_per_s:,.1f} of {summary.target_per_s:,.1f} records/s"
            checks.append(
                Check(
                    threshold="min_achieved_ratio",
                    scope=stream,
                    limit=limit,
                    measured=ratio,
                    passed=passed,
                    reason=f"{stream} achieved {ratio:.2%} of target ({rates}) "
                    f"{'>=' if passed else '<'} {limit:.2%}",
                )
            )
    return Verdict(passed=all(check.passed for check in checks), checks=checks)


def _at_most(
    threshold: str,
    measured: float | None,
    limit: float,
    what: str,
    number: str,
    sink: str | None = None,
) -> Check:
    """A check of an all-streams figure; one that was not measured fails (it cannot vouch)."""
    if measured is None:
        missing = f"the {sink} sink reported no lag" if sink else "nothing was measured"
        reason = f"{what} cannot be checked: {missing}"
        passed = False
    else:
        passed = measured <= limit
        shown, bound = number.format(measured), number.format(limit)
        reason = f"{what} {shown} {'<=' if passed else '>'} {bound}"
    return Check(
        threshold=threshold,
        scope="total",
        limit=limit,
        measured=measured,
        passed=passed,
        reason=reason,
    )
