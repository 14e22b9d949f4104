import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkRecipients, readIdentityFile } from '../../src/backup/age-keys.js';
import { objectKey } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import { readSnapshotHead, storeSnapshot } from '../../src/backup/pipeline.js';
import { verifyBackup } from '../../src/backup/verify.js';
import { CLUSTER, copyFixture, FIXTURE, recordOf } from './snapshots.js';

/** Debian's `age` and `age-keygen` (scripts/setup.sh installs them): the other side of the wire. */
async function keypair(dir: string): Promise<{ keyFile: string; recipient: string }> {
  const keyFile = join(dir, 'key.txt');
  await execa('age-keygen', ['-o', keyFile]);
  const { stdout } = await execa('age-keygen', ['-y', keyFile]);
  return { keyFile, recipient: stdout.trim() };
}

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-age-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('age, both directions with the real age CLI', () => {
  it('encrypted here (age-encryption) is decrypted there: age -d -i key.txt | gunzip gives the snapshot', async () => {
    const d = temp();
    const { keyFile, recipient } = await keypair(d);
    const t = dirTarget(join(d, 'store'));
    const head = await readSnapshotHead(copyFixture(join(d, 'snap.db')));
    const obj = await storeSnapshot(head, {
      target: t,
      clusterId: CLUSTER,
      recipients: await checkRecipients([recipient]),
    });
    const r = await execa('age', ['-d', '-i', keyFile, join(d, 'store', obj.key)], { encoding: 'buffer' });
    expect(gunzipSync(r.stdout).equals(readFileSync(FIXTURE))).toBe(true);
  });

  it('encrypted there (age -r) is decrypted, checked and counted here with the identity file', async () => {
    const d = temp();
    const { keyFile, recipient } = await keypair(d);
    const t = dirTarget(join(d, 'store'));
    const head = await readSnapshotHead(copyFixture(join(d, 'snap.db')));
    const enc = await execa('age', ['-r', recipient], { input: gzipSync(readFileSync(FIXTURE)), encoding: 'buffer' });
    const body = Buffer.from(enc.stdout);
    const key = objectKey(CLUSTER, head.id, true);
    await t.put(key, Readable.from([body]));
    const record = recordOf(head, {
      key,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      compression: 'gzip',
      recipients: [recipient],
    });
    const v = await verifyBackup(t, record, { identities: await readIdentityFile(keyFile) });
    expect(v).toMatchObject({ ok: true });
  });

  it('names a bad recipient or identity file, and the flag', async () => {
    const d = temp();
    const { keyFile, recipient } = await keypair(d);
    await expect(checkRecipients(['age1nope'])).rejects.toThrow(
      '--encrypt-to "age1nope": not an age X25519 recipient (age1 followed by 58 characters)',
    );
    const secret =
      readFileSync(keyFile, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('AGE-SECRET-KEY-')) ?? '';
    await expect(checkRecipients([secret])).rejects.toThrow(/this is a secret key: give its public recipient/);
    expect(await checkRecipients([recipient, ` ${recipient} `])).toEqual([recipient]);
    const pub = join(d, 'pub.txt');
    writeFileSync(pub, `# a recipient, not a key\n${recipient}\n`);
    await expect(readIdentityFile(pub)).rejects.toThrow(
      `--identity ${pub}: line 2 is not an age identity (AGE-SECRET-KEY-1…): it is a recipient, the public half`,
    );
    await expect(readIdentityFile(join(d, 'none.txt'))).rejects.toThrow(/: no such file$/);
    expect(await readIdentityFile(keyFile)).toHaveLength(1);
  });
});
