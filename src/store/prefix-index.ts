// store/prefix-index.ts: finds the stored model sharing the longest prefix of layer ids with a
// candidate. A trie over layer-id sequences; every node keeps the best donor of its subtree, so
// a query walks the candidate's ids once (O(length), independent of the number of models) and
// answers with the best model under the deepest node reached. Knows nothing of ranks or bytes.

import { betterDonorFirst, type DonorCandidate, type DonorOrder } from './donor-order.js';

export interface PrefixModel extends DonorCandidate {
  layerIds: readonly string[];
}

export interface PrefixMatch<M extends PrefixModel> {
  model: M;
  /** How many leading layer ids the model shares with the candidate (at least 1). */
  matched: number;
}

interface TrieNode<M> {
  parent: TrieNode<M> | undefined;
  key: string;
  children: Map<string, TrieNode<M>>;
  /** Models whose whole layer sequence ends here. */
  terminals: Set<M> | undefined;
  /** Best donor among all models in this subtree; undefined only for an empty root. */
  best: M | undefined;
}

export class PrefixIndex<M extends PrefixModel = PrefixModel> {
  readonly #order: DonorOrder;
  readonly #root: TrieNode<M> = newNode(undefined, '');
  readonly #nodeOf = new Map<string, TrieNode<M>>();

  constructor(order: DonorOrder = betterDonorFirst) {
    this.#order = order;
  }

  get size(): number {
    return this.#nodeOf.size;
  }

  has(modelId: string): boolean {
    return this.#nodeOf.has(modelId);
  }

  /** Adds a model; a model already present under the same id is replaced. */
  add(model: M): void {
    if (this.#nodeOf.has(model.modelId)) this.remove(model.modelId);
    let node = this.#root;
    this.#offer(node, model);
    for (const id of model.layerIds) {
      let child = node.children.get(id);
      if (!child) {
        child = newNode(node, id);
        node.children.set(id, child);
      }
      node = child;
      this.#offer(node, model);
    }
    (node.terminals ??= new Set()).add(model);
    this.#nodeOf.set(model.modelId, node);
  }

  remove(modelId: string): boolean {
    const end = this.#nodeOf.get(modelId);
    if (!end) return false;
    this.#nodeOf.delete(modelId);
    let removed: M | undefined;
    for (const m of end.terminals!) if (m.modelId === modelId) removed = m;
    end.terminals!.delete(removed!);
    if (end.terminals!.size === 0) end.terminals = undefined;
    // Walk up while the removed model was the subtree's best; above the first node whose best
    // is another model, nothing can change (that best also wins every enclosing subtree).
    for (let node: TrieNode<M> | undefined = end; node; node = node.parent) {
      if (node.best !== removed) break;
      if (node.parent && !node.terminals && node.children.size === 0) {
        node.parent.children.delete(node.key);
        continue;
      }
      node.best = this.#bestOf(node);
    }
    return true;
  }

  /** The best model among those sharing the most leading ids with `layerIds`, or null when no
   * model shares even the first one. */
  longestPrefix(layerIds: readonly string[]): PrefixMatch<M> | null {
    let node = this.#root;
    let depth = 0;
    for (const id of layerIds) {
      const child = node.children.get(id);
      if (!child) break;
      node = child;
      depth++;
    }
    if (depth === 0 || !node.best) return null;
    return { model: node.best, matched: depth };
  }

  #offer(node: TrieNode<M>, model: M): void {
    if (!node.best || this.#order(model, node.best) < 0) node.best = model;
  }

  #bestOf(node: TrieNode<M>): M | undefined {
    let best: M | undefined;
    const consider = (m: M | undefined): void => {
      if (m && (!best || this.#order(m, best) < 0)) best = m;
    };
    if (node.terminals) for (const m of node.terminals) consider(m);
    for (const child of node.children.values()) consider(child.best);
    return best;
  }
}

function newNode<M>(parent: TrieNode<M> | undefined, key: string): TrieNode<M> {
  return { parent, key, children: new Map(), terminals: undefined, best: undefined };
}
