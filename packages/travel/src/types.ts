/**
 * Core value types of the group-travel model (Segaran, "Programming Collective
 * Intelligence", chapter 5).
 *
 * Times are whole minutes after midnight on one shared clock (time zones are
 * ignored, as in the book). An arrival may exceed 1440 when a late or long
 * flight lands on the following day; every formula treats minutes as a plain
 * linear number, so such an arrival simply counts as very late.
 */

/** One scheduled flight. */
export interface Flight {
  /** Departure airport code, e.g. `"LHR"`. */
  origin: string;
  /** Arrival airport code. */
  destination: string;
  /** Departure time in minutes after midnight. */
  depart: number;
  /** Arrival time in minutes after midnight of the departure day (may exceed 1440). */
  arrive: number;
  /** Ticket price in dollars. */
  price: number;
}

/** A member of a travel group. */
export interface Traveller {
  /** Display name, unique within its group. */
  name: string;
  /** Home airport code. */
  origin: string;
}

/** People meeting at one destination on the same day and flying home together later. */
export interface Group {
  /** Stable identifier, e.g. `"g42"`. */
  id: string;
  /** Airport code everyone flies to. */
  destination: string;
  /** The people travelling; at least one. */
  travellers: Traveller[];
}

/** What an optimiser needs: per traveller, the flights of their outbound and return routes. */
export interface TravelProblem {
  /** The group being scheduled. */
  group: Group;
  /** `outbound[i]` lists the flights from traveller i's home to the destination. */
  outbound: Flight[][];
  /** `inbound[i]` lists the flights from the destination back to traveller i's home. */
  inbound: Flight[][];
}

/**
 * A schedule as an integer vector of length 2n:
 * `[out_0, ret_0, out_1, ret_1, ...]`, where `out_i` indexes `outbound[i]`
 * and `ret_i` indexes `inbound[i]`.
 */
export type Plan = number[];
