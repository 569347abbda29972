/**
 * Turns a per-item partition assignment into the plan shape every partitioner
 * returns: exactly `n` lists of item indices, each in ascending order.
 */
export function listsFromAssignment(assignment: ArrayLike<number>, n: number): number[][] {
  const lists: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < assignment.length; i++) lists[assignment[i]!]!.push(i);
  return lists;
}
