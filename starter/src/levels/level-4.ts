// Level 4 · provided: read it, don't change it.
import { PRODUCTION_DEFAULTS } from '../config.ts';
import { WindowAdmission } from '../limits/window-admission.ts';
import { windowSettings } from '../limits/window-settings.ts';
import type { Level } from './seams.ts';

/** Level 4, locks: a per-client sliding-window limit, kept in a shared table guarded by striped locks. */
const level4: Level = (prev) => ({
  ...prev,
  admission: (w) => new WindowAdmission(windowSettings(w.config.window, w.config.rateLimit ?? PRODUCTION_DEFAULTS.rateLimit), w.clock),
});
export default level4;
