import type { KV, NatsConnection } from 'nats';
import type { AlertSnapshot } from '../../../starter/src/alerts/alert-manager.ts';
import type { AlertStateStore } from '../roles/alerts.ts';

export const ALERT_STATES_BUCKET = 'ALERT_STATES';
const KEY = 'alerts';

/**
 * The alert lease holder's rule states, in a JetStream key-value bucket of their own: unlike the
 * lease's bucket, no max_age, so the states outlive a holder that died and its lease that lapsed.
 */
export function kvAlertStates(nc: NatsConnection, replicas: 1 | 3): AlertStateStore {
  let kv: Promise<KV> | undefined;
  const bucket = (): Promise<KV> => (kv ??= nc.jetstream().views.kv(ALERT_STATES_BUCKET, { history: 1, replicas }).catch((err: unknown) => {
    kv = undefined; // try again next time
    throw err;
  }));
  return {
    load: async () => {
      const entry = await (await bucket()).get(KEY);
      if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return undefined;
      return entry.json<AlertSnapshot>();
    },
    save: async (snapshot) => {
      await (await bucket()).put(KEY, JSON.stringify(snapshot));
    },
  };
}
