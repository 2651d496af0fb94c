import { createHash } from 'node:crypto';

/**
 * The event id of an outside delivery, the same every time that delivery arrives: the SHA-256
 * of platform and delivery id, shaped as a version 8 (vendor-defined) UUID. The Event service
 * stores an event id once, so a delivery re-sent long after Redis forgot it is still stored once.
 */
export function deliveryEventId(platform: string, deliveryId: string): string {
  const digest = createHash('sha256').update(`${platform}\n${deliveryId}`).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;

  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
