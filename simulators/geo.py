"""Great-circle geometry on a spherical Earth: distance, bearing and destination point."""

from math import asin, atan2, cos, degrees, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi = phi2 - phi1
    dlmb = radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Compass bearing in [0, 360) at the start of the great circle from point 1 to point 2."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dlmb = radians(lon2 - lon1)
    x = sin(dlmb) * cos(phi2)
    y = cos(phi1) * sin(phi2) - sin(phi1) * cos(phi2) * cos(dlmb)
    return degrees(atan2(x, y)) % 360.0


def destination_point(
    lat: float, lon: float, bearing_deg: float, distance_km: float
) -> tuple[float, float]:
    """The point `distance_km` along the great circle leaving (lat, lon) at `bearing_deg`."""
    phi1, lmb1, theta = radians(lat), radians(lon), radians(bearing_deg)
    delta = distance_km / EARTH_RADIUS_KM
    sin_phi2 = sin(phi1) * cos(delta) + cos(phi1) * sin(delta) * cos(theta)
    phi2 = asin(sin_phi2)
    lmb2 = lmb1 + atan2(sin(theta) * sin(delta) * cos(phi1), cos(delta) - sin(phi1) * sin_phi2)
    return degrees(phi2), (degrees(lmb2) + 540.0) % 360.0 - 180.0


def local_distance_bearing(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> tuple[float, float]:
    """(km, bearing) on a flat local map: four times cheaper, and within 0.5 % up to ~100 km.

    Good enough for steering and for deciding when a target is near; distances travelled and
    odometers use the great-circle functions above.
    """
    dy = radians(lat2 - lat1)
    dx = radians(lon2 - lon1) * cos(radians(lat1 + lat2) * 0.5)
    return EARTH_RADIUS_KM * sqrt(dx * dx + dy * dy), degrees(atan2(dx, dy)) % 360.0
