// Grouping of responses by prompt id: the reference builds `id2score` with a defaultdict in
// batch order (volcengine/verl verl/trainer/ppo/core_algos.py); here each group keeps the
// batch indices of its members so the estimators can write results back in place.

export type GroupId = number | string;

export interface Group {
  id: GroupId;
  /** Batch indices of the group's members, in batch order. */
  members: number[];
}

/** Groups batch indices by id (first appearance order). `1` and `'1'` are different ids. */
export function groupIndices(groupIds: ArrayLike<GroupId>): Group[] {
  const byId = new Map<GroupId, Group>();
  for (let i = 0; i < groupIds.length; i++) {
    const id = groupIds[i];
    if (typeof id !== 'number' && typeof id !== 'string') {
      throw new TypeError(`groupIds[${i}] must be a number or a string, got ${typeof id}`);
    }
    if (typeof id === 'number' && Number.isNaN(id)) {
      throw new RangeError(`groupIds[${i}] is NaN`);
    }
    let g = byId.get(id);
    if (!g) {
      g = { id, members: [] };
      byId.set(id, g);
    }
    g.members.push(i);
  }
  return [...byId.values()];
}

/** Mean of the members' values. */
export function groupMean(values: ArrayLike<number>, members: number[]): number {
  let s = 0;
  for (const i of members) s += values[i];
  return s / members.length;
}

/** Sample standard deviation (Bessel-corrected, n - 1), as `torch.std` computes it. */
export function groupStd(values: ArrayLike<number>, members: number[], mu: number): number {
  let ss = 0;
  for (const i of members) ss += (values[i] - mu) ** 2;
  return Math.sqrt(ss / (members.length - 1));
}
