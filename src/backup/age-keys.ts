import { readFile } from 'node:fs/promises';
import { makeError } from '../io/errors.js';

/**
 * age keys as the `age` command line writes them: X25519 recipients (`age1…`, what
 * `age-keygen -y` prints) for --encrypt-to, identity files (`AGE-SECRET-KEY-1…` lines, `#`
 * comments, as `age-keygen -o key.txt` writes) for --identity. Checked before any snapshot is
 * taken, so a typo in a cron line fails at once with exit 2.
 */

/** bech32 `age1` + 58 data characters: an X25519 recipient (not a plugin or post-quantum one). */
const X25519_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** Returns the recipients, or throws naming the bad one; duplicates are dropped. */
export async function checkRecipients(values: readonly string[]): Promise<string[]> {
  const { Encrypter } = await import('age-encryption');
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    if (!X25519_RECIPIENT.test(v))
      throw makeError('TDR_BACKUP_BAD_RECIPIENT', {
        value: raw,
        reason: v.startsWith('AGE-SECRET-KEY-')
          ? 'this is a secret key: give its public recipient (age-keygen -y), and keep the key away from the cluster'
          : 'not an age X25519 recipient (age1 followed by 58 characters)',
      });
    try {
      new Encrypter().addRecipient(v); // checks the bech32 checksum
    } catch (e) {
      throw makeError('TDR_BACKUP_BAD_RECIPIENT', {
        value: raw,
        reason: `not a valid recipient (${e instanceof Error ? e.message : String(e)})`,
      });
    }
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** The identities of an age identity file, or throws naming the file and the bad line. */
export async function readIdentityFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw makeError('TDR_BACKUP_BAD_IDENTITY', { path, reason: code === 'ENOENT' ? 'no such file' : String(code) });
  }
  const { Decrypter } = await import('age-encryption');
  const ids: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('AGE-SECRET-KEY-1'))
      throw makeError('TDR_BACKUP_BAD_IDENTITY', {
        path,
        reason: `line ${i + 1} is not an age identity (AGE-SECRET-KEY-1…)${line.startsWith('age1') ? ': it is a recipient, the public half' : ''}`,
      });
    try {
      new Decrypter().addIdentity(line);
    } catch (e) {
      throw makeError('TDR_BACKUP_BAD_IDENTITY', {
        path,
        reason: `line ${i + 1} is not a valid identity (${e instanceof Error ? e.message : String(e)})`,
      });
    }
    ids.push(line);
  }
  if (ids.length === 0)
    throw makeError('TDR_BACKUP_BAD_IDENTITY', { path, reason: 'it holds no AGE-SECRET-KEY-1… line' });
  return ids;
}
