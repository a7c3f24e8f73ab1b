"""`fleetctl loadtest`: drive a load profile through a sink open-loop, measure, and judge.

profiles (what load) -> schedule (when) -> workers (processes that generate and send) -> metrics
(per-second windows, HDR histograms) -> aggregate (one snapshot) -> verdict, results, dashboard.
`distributed` runs the same Firehose producer under Locust for load beyond one machine.
"""
