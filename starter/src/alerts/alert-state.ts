// Level 0 · provided: read it, don't change it.
/**
 * The life of one rule's alert:
 *   inactive --condition true--> pending --true for forMs--> firing --false--> resolved
 *   pending --false--> inactive;  resolved --true--> pending (a new episode)
 */
export type AlertStatus = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface AlertState {
  status: AlertStatus;
  /** When the condition became true (pending, firing; kept when resolved). Epoch ms. */
  pendingSince?: number;
  /** When it started firing (firing, resolved). */
  firedAt?: number;
  /** When it stopped firing (resolved). */
  resolvedAt?: number;
  /** The value of the last evaluation; absent when the window held no data. */
  value?: number;
}

export const INACTIVE: AlertState = { status: 'inactive' };
