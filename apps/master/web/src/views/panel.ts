/** A view drawn into `#view` from the API: what it shows, and whether anything in it still runs (then it refreshes). */
export interface Drawn {
  node: Node;
  live: boolean;
}

/** Redraws a view (after a write button's change, for instance). */
export type Redraw = () => void;
