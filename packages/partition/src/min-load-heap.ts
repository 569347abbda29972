/**
 * Binary min-heap over partitions 0..n-1 ordered by (load, partition index).
 * All loads start at 0. Loads only grow, so the one update operation, adding
 * work to the least-loaded partition, needs only a sift-down: O(log n).
 */
export class MinLoadHeap {
  /** Current load of each partition, indexed by partition. */
  readonly loads: Float64Array;
  /** heap[0] is the least-loaded partition (lowest index among equals). */
  private readonly heap: Uint32Array;

  constructor(n: number) {
    this.loads = new Float64Array(n);
    this.heap = new Uint32Array(n);
    // With all loads equal, ascending partition order already satisfies the heap property.
    for (let i = 0; i < n; i++) this.heap[i] = i;
  }

  /** The least-loaded partition; ties go to the lowest partition index. */
  peek(): number {
    return this.heap[0]!;
  }

  /** Adds `cost` (≥ 0) to the least-loaded partition and returns that partition. */
  addToLeast(cost: number): number {
    const top = this.heap[0]!;
    this.loads[top] = this.loads[top]! + cost;
    this.siftDown(0);
    return top;
  }

  private less(a: number, b: number): boolean {
    const la = this.loads[a]!;
    const lb = this.loads[b]!;
    return la < lb || (la === lb && a < b);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const size = heap.length;
    const item = heap[start]!;
    let pos = start;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size && this.less(heap[right]!, heap[left]!)) child = right;
      if (!this.less(heap[child]!, item)) break;
      heap[pos] = heap[child]!;
      pos = child;
    }
    heap[pos] = item;
  }
}
