/**
 * Letting go of keys whose state can no longer matter. An evaluator reports each key it sets with
 * the latest event time that key holds (`touch`), and the horizon before which such state is dead
 * (`advance`); once event time has moved on by `every` since the last sweep, the keys last touched
 * at or before the horizon are offered to `expire`, which checks the stored state and deletes it
 * if it really is dead. Only keys set in this run are tracked, so memory follows active keys.
 */
export interface Expiry {
  touch(key: string, latest: number): void;
  advance(horizon: number): void;
}

export function createExpiry(
  every: number,
  expire: (key: string, horizon: number) => void,
): Expiry {
  const touched = new Map<string, number>();
  let swept = -Infinity;
  return {
    touch(key, latest) {
      if ((touched.get(key) ?? -Infinity) < latest) touched.set(key, latest);
    },
    advance(horizon) {
      if (!(horizon - swept >= every)) return;
      if (swept !== -Infinity) {
        for (const [key, latest] of touched) {
          if (latest > horizon) continue;
          touched.delete(key);
          expire(key, horizon);
        }
      }
      swept = horizon;
    },
  };
}
