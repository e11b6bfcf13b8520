"""Distances and offsets on the sphere, for both scales.

Each helper exists in a scalar form (``math``, used one point at a time by the demo's draws, whose
decisions depend on the exact bits libm returns) and an array form (``numpy``, for the national scale's
tens of thousands of points at once)."""

from __future__ import annotations

import math
import random

import numpy as np

EARTH_RADIUS_KM = 6371.0
KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0      # km per degree of latitude


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_array(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def offset_point(rng: random.Random, lat: float, lon: float, max_dist: float, min_dist: float = 0.03,
                 per_km: float = 1.0) -> tuple[float, float]:
    """A point drawn at a distance between ``min_dist`` and ``max_dist`` of (lat, lon), in any direction
    (distances in km, or in metres with ``per_km=1000``)."""
    r = rng.uniform(min_dist, max_dist) / per_km
    theta = rng.uniform(0, 2 * math.pi)
    return (lat + r * math.sin(theta) / KM_PER_DEG,
            lon + r * math.cos(theta) / (KM_PER_DEG * math.cos(math.radians(lat))))


def offset_points(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, max_km: float,
                  min_km: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
    """:func:`offset_point` for many points."""
    r = rng.uniform(min_km, max_km, len(lat))
    theta = rng.uniform(0, 2 * math.pi, len(lat))
    return (lat + r * np.sin(theta) / KM_PER_DEG,
            lon + r * np.cos(theta) / (KM_PER_DEG * np.cos(np.radians(lat))))
