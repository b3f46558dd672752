import { type Alias, type Document, isAlias, isCollection, isPair, type Node, visit } from "yaml";

/** Where an alias makes the file unusable, and why. */
export interface AliasProblem {
  offset: number | undefined;
  message: string;
}

/**
 * The values an alias may add beyond the file's own: ordinary reuse (an entry shared by
 * thousands of keys) adds a few values per use, so it stays far below this; an alias bomb
 * (aliases of aliases, each level multiplying the last) goes past it within a few levels.
 */
const EXPANSION_PER_NODE = 10;
const EXPANSION_FLOOR = 10_000;

/**
 * Checks that the document's aliases neither contain themselves nor expand it beyond a
 * bound proportional to its size, and says at which alias it went wrong. yaml's own guard
 * (`maxAliasCount`) counts uses of one anchor, so it refuses a file that reuses one entry
 * 100 times, and it throws without a place: this one measures what the aliases expand to.
 */
export function aliasProblem(document: Document): AliasProblem | undefined {
  const targets = new Map<Node, Node>();
  const anchors = new Map<string, Node>();
  const order: Node[] = [];
  // Document order, as yaml resolves an alias: to the last node with its anchor before it.
  visit(document, {
    Node(_, node) {
      order.push(node);
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (targets.size === 0) return undefined;

  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let cycle: Alias | undefined;
  // How many values `node` stands for once every alias in it is expanded.
  const size = (node: unknown): number => {
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!node || typeof node !== "object") return 0;
    const known = sizes.get(node as Node);
    if (known !== undefined) return known;
    if (isAlias(node) && open.has(targets.get(node) as Node)) {
      cycle ??= node;
      return 0;
    }
    open.add(node as Node);
    let total = 1;
    if (isAlias(node)) total = size(targets.get(node));
    else if (isCollection(node)) for (const item of node.items) total += size(item);
    open.delete(node as Node);
    sizes.set(node as Node, total);
    return total;
  };

  const limit = EXPANSION_FLOOR + EXPANSION_PER_NODE * order.length;
  let expanded = 0;
  for (const node of order) {
    if (!isAlias(node)) {
      expanded += 1;
      continue;
    }
    expanded += size(targets.get(node));
    if (cycle) {
      return { offset: cycle.range?.[0], message: `the alias *${cycle.source} is inside the node it names` };
    }
    if (expanded > limit) {
      return {
        offset: node.range?.[0],
        message: `the aliases expand the file past ${limit} values here (an alias bomb?): write the values out or reuse fewer`,
      };
    }
  }
  return undefined;
}
