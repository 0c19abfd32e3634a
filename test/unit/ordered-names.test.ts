// OrderedNames: a scope's names in definition order, shared with the walk it was rewound from.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OrderedNames } from "../../server/src/analysis/ordered-names.js";

interface Entry {
  position: number;
  value: string;
}

function names(list: string[], tag: string): OrderedNames<Entry> {
  const out = new OrderedNames<Entry>();
  for (const name of list) out.add(name, { position: -1, value: `${name}@${tag}` });
  return out;
}

const contents = (n: OrderedNames<Entry>) =>
  n.between(0, n.size).map(([name, e]) => `${name}=${e.value}#${e.position}`);

describe("OrderedNames", () => {
  it("flattens a walk that defined the same names again: the new values, in the same places", () => {
    const earlier = names(["a", "b", "c", "d"], "old");
    const again = earlier.rewound(2);
    again.add("c", { position: -1, value: "c@new" });
    again.add("d", { position: -1, value: "d@new" });
    again.flatten();
    assert.deepEqual(contents(again), ["a=a@old#0", "b=b@old#1", "c=c@new#2", "d=d@new#3"]);
    assert.equal(again.get("d")?.value, "d@new");
  });

  it("flattens a walk that defined other names: the earlier ones past the horizon are gone", () => {
    for (const defined of [["d", "c"], ["c"], ["c", "d", "e"], ["x", "y"]]) {
      const earlier = names(["a", "b", "c", "d"], "old");
      const again = earlier.rewound(2);
      for (const name of defined) again.add(name, { position: -1, value: `${name}@new` });
      again.flatten();
      assert.deepEqual(
        contents(again),
        ["a=a@old#0", "b=b@old#1", ...defined.map((name, i) => `${name}=${name}@new#${i + 2}`)],
        defined.join(","),
      );
      if (!defined.includes("d")) assert.equal(again.get("d"), undefined);
    }
  });
});
