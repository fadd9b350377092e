import { describe, expect, it } from "vitest";
import { ByteBudgetLru } from "../../worker/lib/byte-budget-lru";

describe("ByteBudgetLru", () => {
  it("evicts the least recently used items once the byte budget is exceeded", () => {
    const lru = new ByteBudgetLru<string>(300, 200);
    lru.set("a", "A", 100);
    lru.set("b", "B", 100);
    lru.set("c", "C", 100);
    expect(lru.get("a")).toBe("A"); // a is now the most recent
    lru.set("d", "D", 100);
    expect(lru.get("b")).toBeUndefined();
    expect([lru.get("a"), lru.get("c"), lru.get("d")]).toEqual(["A", "C", "D"]);
    expect(lru.bytes).toBe(300);
  });

  it("refuses an item larger than the per-item limit and keeps the others", () => {
    const lru = new ByteBudgetLru<string>(300, 200);
    lru.set("a", "A", 100);
    expect(lru.set("huge", "H", 201)).toBe(false);
    expect(lru.get("huge")).toBeUndefined();
    expect(lru.get("a")).toBe("A");
  });

  it("replacing a key counts its bytes once", () => {
    const lru = new ByteBudgetLru<string>(300, 200);
    lru.set("a", "A1", 150);
    lru.set("a", "A2", 50);
    expect(lru.bytes).toBe(50);
    expect(lru.size).toBe(1);
    expect(lru.get("a")).toBe("A2");
  });
});
