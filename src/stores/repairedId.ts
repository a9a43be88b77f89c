// A read-only store reads the plugin's list as it is: an 18-character Salesforce ID whose letter
// case fails its checksum is taken as the user the checksum names (CONTRACT §12), and said aloud,
// because the repair can name another user than the one meant.
import type { CrmIdRules } from '../crm/index.js';
import type { CrmUserId } from '../model.js';

/**
 * What a repaired External ID is said as: where, as written, as read. A letter O where the
 * checksum wants a lower-case character reads as a letter o, yet it is most often a digit 0 typed
 * by hand; when that reading passes the checksum too, it is named, so the admin can tell which.
 */
export function repairMessage(place: string, raw: string, read: CrmUserId, crm: CrmIdRules): string {
  let message = `${place}: "${raw}" fails the Salesforce checksum as written; read as ${read}, its letter case repaired`;
  const digits = read.slice(0, 15).replace(/o/gi, '0') + read.slice(15);
  const other = digits !== read ? crm.check(digits) : undefined;
  if (other?.ok && other.id !== read) message += `, but if its letter O is a digit 0 it is ${other.id}`;
  return `${message}; check which user the plugin screen maps, and copy the ID again from Salesforce`;
}
