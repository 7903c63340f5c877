const EARTH_RADIUS_KM = 6371;
const RAD = Math.PI / 180;

/**
 * Great-circle distance in kilometres between two coordinates (haversine).
 *
 * @example
 * ```ts
 * distanceKm(51.5, -0.12, 40.71, -74.0); // ≈ 5570 (London–New York)
 * ```
 */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
