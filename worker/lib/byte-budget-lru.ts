/**
 * A least-recently-used map bounded by an estimate of the bytes it holds, for
 * per-isolate memory caches. A Map keeps insertion order, so re-inserting on
 * read makes the first key the least recently used one.
 */
export class ByteBudgetLru<V> {
  private readonly items = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    readonly budgetBytes: number,
    /** Larger values are not kept: one page must not evict everything else. */
    readonly maxItemBytes = Math.floor(budgetBytes / 8),
  ) {}

  get size() {
    return this.items.size;
  }

  get bytes() {
    return this.used;
  }

  get(key: string): V | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  set(key: string, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxItemBytes) return false;
    this.items.set(key, { value, bytes });
    this.used += bytes;
    for (const [oldest, item] of this.items) {
      if (this.used <= this.budgetBytes) break;
      this.items.delete(oldest);
      this.used -= item.bytes;
    }
    return true;
  }

  delete(key: string) {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.used -= item.bytes;
  }

  clear() {
    this.items.clear();
    this.used = 0;
  }
}
