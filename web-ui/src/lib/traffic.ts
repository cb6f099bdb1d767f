/** Pure helpers of the Traffic tab: weights that always sum to 100, and the PATCH body they make. */

export interface TrafficDraft {
  modelVersionId: string;
  weight: number;
  shadow: boolean;
}

/**
 * Sets entry {@code index} (not a shadow) to {@code value} and spreads the difference over the other non-shadow
 * entries in proportion to their weights (evenly when they are all 0), so the weighted entries still sum to 100.
 */
export function setWeight(entries: TrafficDraft[], index: number, value: number): TrafficDraft[] {
  const target = Math.max(0, Math.min(100, Math.round(value)));
  const others = entries.map((_, i) => i).filter((i) => i !== index && !entries[i].shadow);
  if (others.length === 0) {
    return entries.map((e, i) => (i === index ? { ...e, weight: 100 } : e));
  }
  const rest = 100 - target;
  const oldRest = others.reduce((sum, i) => sum + entries[i].weight, 0);
  const next = entries.map((e) => ({ ...e }));
  next[index].weight = target;
  let given = 0;
  others.forEach((i, k) => {
    const share = k === others.length - 1 ? rest - given
      : Math.round(oldRest === 0 ? rest / others.length : (rest * entries[i].weight) / oldRest);
    next[i].weight = share;
    given += share;
  });
  return next;
}

/** Sum of the weights of the entries that take requests (the API wants 100). */
export function servingTotal(entries: TrafficDraft[]): number {
  return entries.filter((e) => !e.shadow).reduce((sum, e) => sum + e.weight, 0);
}

/** Adds a version: as the shadow at 10 % of requests copied, or as a canary at 0 % (moved with its slider). */
export function addVersion(entries: TrafficDraft[], modelVersionId: string, shadow: boolean): TrafficDraft[] {
  if (entries.some((e) => e.modelVersionId === modelVersionId)) {
    return entries;
  }
  const kept = shadow ? entries.filter((e) => !e.shadow) : entries;
  return [...kept, { modelVersionId, weight: shadow ? 10 : 0, shadow }];
}

/** The list without one version; a removed canary's share goes back to the others. */
export function removeVersion(entries: TrafficDraft[], modelVersionId: string): TrafficDraft[] {
  const index = entries.findIndex((e) => e.modelVersionId === modelVersionId);
  if (index < 0) {
    return entries;
  }
  const spread = entries[index].shadow ? entries : setWeight(entries, index, 0);
  return spread.filter((e) => e.modelVersionId !== modelVersionId);
}

/** Whether the draft differs from what the deployment runs. */
export function changed(entries: TrafficDraft[], current: TrafficDraft[]): boolean {
  return JSON.stringify(entries) !== JSON.stringify(current);
}

