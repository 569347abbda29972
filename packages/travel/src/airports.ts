/**
 * A fixed list of real airports (IATA code, city, approximate coordinates of
 * the airfield in degrees) and great-circle distances between them.
 */

/** One airport. */
export interface Airport {
  /** IATA code, e.g. `"LHR"`. */
  code: string;
  /** City served. */
  city: string;
  /** Latitude in degrees, north positive. */
  lat: number;
  /** Longitude in degrees, east positive. */
  lon: number;
}

const AIRPORTS: readonly Airport[] = Object.freeze(
  (
    [
      // North America
      ['ATL', 'Atlanta', 33.6407, -84.4277],
      ['BOS', 'Boston', 42.3656, -71.0096],
      ['DEN', 'Denver', 39.8561, -104.6737],
      ['DFW', 'Dallas', 32.8998, -97.0403],
      ['IAD', 'Washington', 38.9531, -77.4565],
      ['JFK', 'New York', 40.6413, -73.7781],
      ['LAS', 'Las Vegas', 36.084, -115.1537],
      ['LAX', 'Los Angeles', 33.9416, -118.4085],
      ['MCO', 'Orlando', 28.4312, -81.3081],
      ['MIA', 'Miami', 25.7959, -80.287],
      ['ORD', 'Chicago', 41.9742, -87.9073],
      ['PHX', 'Phoenix', 33.4352, -112.0101],
      ['SEA', 'Seattle', 47.4502, -122.3088],
      ['SFO', 'San Francisco', 37.6213, -122.379],
      ['YVR', 'Vancouver', 49.1967, -123.1815],
      ['YYZ', 'Toronto', 43.6777, -79.6248],
      ['MEX', 'Mexico City', 19.4361, -99.0719],
      ['HNL', 'Honolulu', 21.3187, -157.9225],
      // South America
      ['BOG', 'Bogotá', 4.7016, -74.1469],
      ['EZE', 'Buenos Aires', -34.8222, -58.5358],
      ['GRU', 'São Paulo', -23.4356, -46.4731],
      ['LIM', 'Lima', -12.0219, -77.1143],
      ['SCL', 'Santiago', -33.393, -70.7858],
      // Europe
      ['AMS', 'Amsterdam', 52.3105, 4.7683],
      ['ARN', 'Stockholm', 59.6498, 17.9238],
      ['ATH', 'Athens', 37.9364, 23.9445],
      ['BCN', 'Barcelona', 41.2974, 2.0833],
      ['CDG', 'Paris', 49.0097, 2.5479],
      ['CPH', 'Copenhagen', 55.618, 12.6508],
      ['DUB', 'Dublin', 53.4264, -6.2499],
      ['FCO', 'Rome', 41.8003, 12.2389],
      ['FRA', 'Frankfurt', 50.0379, 8.5622],
      ['HEL', 'Helsinki', 60.3172, 24.9633],
      ['IST', 'Istanbul', 41.2753, 28.7519],
      ['LHR', 'London', 51.47, -0.4543],
      ['LIS', 'Lisbon', 38.7742, -9.1342],
      ['MAD', 'Madrid', 40.4983, -3.5676],
      ['MUC', 'Munich', 48.3537, 11.775],
      ['OSL', 'Oslo', 60.1976, 11.1004],
      ['PRG', 'Prague', 50.1008, 14.26],
      ['VIE', 'Vienna', 48.1103, 16.5697],
      ['WAW', 'Warsaw', 52.1657, 20.9671],
      ['ZRH', 'Zurich', 47.4582, 8.5555],
      // Africa and the Middle East
      ['CAI', 'Cairo', 30.1219, 31.4056],
      ['DOH', 'Doha', 25.2731, 51.6081],
      ['DXB', 'Dubai', 25.2532, 55.3657],
      ['JNB', 'Johannesburg', -26.1392, 28.246],
      ['NBO', 'Nairobi', -1.3192, 36.9278],
      // Asia
      ['BKK', 'Bangkok', 13.69, 100.7501],
      ['BOM', 'Mumbai', 19.0896, 72.8656],
      ['CGK', 'Jakarta', -6.1256, 106.6559],
      ['DEL', 'Delhi', 28.5562, 77.1],
      ['HKG', 'Hong Kong', 22.308, 113.9185],
      ['ICN', 'Seoul', 37.4602, 126.4407],
      ['KUL', 'Kuala Lumpur', 2.7456, 101.7072],
      ['MNL', 'Manila', 14.5086, 121.0194],
      ['NRT', 'Tokyo', 35.772, 140.3929],
      ['PEK', 'Beijing', 40.0799, 116.6031],
      ['PVG', 'Shanghai', 31.1443, 121.8083],
      ['SIN', 'Singapore', 1.3644, 103.9915],
      // Oceania
      ['AKL', 'Auckland', -37.0082, 174.785],
      ['MEL', 'Melbourne', -37.669, 144.841],
      ['SYD', 'Sydney', -33.9399, 151.1753],
    ] as const
  ).map(([code, city, lat, lon]) => Object.freeze({ code, city, lat, lon })),
);

const BY_CODE: ReadonlyMap<string, Airport> = new Map(AIRPORTS.map((a) => [a.code, a]));

/** The fixed airport list (63 airports on every continent but Antarctica), sorted by region. */
export function airports(): readonly Airport[] {
  return AIRPORTS;
}

/**
 * Looks an airport up by IATA code.
 * @throws Error for a code not in {@link airports}.
 */
export function airport(code: string): Airport {
  const found = BY_CODE.get(code);
  if (found === undefined) throw new Error(`unknown airport code: ${code}`);
  return found;
}

/** Mean Earth radius in kilometres. */
const EARTH_RADIUS_KM = 6371;

/** Great-circle (haversine) distance between two airports in kilometres. */
export function distanceKm(from: Airport, to: Airport): number {
  const rad = Math.PI / 180;
  const dLat = (to.lat - from.lat) * rad;
  const dLon = (to.lon - from.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(from.lat * rad) * Math.cos(to.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
