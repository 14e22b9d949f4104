import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { isTalosDrError } from '../io/errors.js';
import type { BackupTarget } from './record.js';
import { checkKey, objectMissing, targetError } from './target-keys.js';

/**
 * A BackupTarget over a directory, local or NFS. An object becomes visible only whole: it is
 * written to a hidden temp file beside its final name (same directory, so same filesystem),
 * fsync'ed, renamed over the name, and the directory is fsync'ed, so neither a crash nor a reader
 * listing the directory meanwhile ever sees a partial object. Objects are private (0600): an etcd
 * snapshot holds every Kubernetes Secret of the cluster.
 */

/** Temp files start with a dot and end in .tmp: list() never returns them. */
const isHidden = (name: string): boolean => name.startsWith('.');

export function dirTarget(root: string, url: string = root): BackupTarget {
  const pathOf = (op: string, key: string): string => join(root, checkKey(url, op, key));
  return {
    url,
    async put(key, body) {
      const path = pathOf('write', key);
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const bytes = await writeDurably(tmp, body);
        await rename(tmp, path);
        await syncDir(dirname(path));
        return { bytes };
      } catch (e) {
        body.destroy();
        await unlink(tmp).catch(() => {});
        // a filesystem failure is the target's; the body's own error (a refused snapshot) passes as is
        throw isTalosDrError(e) || (e as NodeJS.ErrnoException).syscall === undefined
          ? e
          : targetError(url, 'write', key, e);
      }
    },
    async get(key) {
      const path = pathOf('read', key);
      try {
        // opened here, not lazily by the stream: a missing object is this call's error, by name
        const fh = await open(path, 'r');
        return fh.createReadStream({ highWaterMark: 1 << 20 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw objectMissing(url, key);
        throw targetError(url, 'read', key, e);
      }
    },
    async list(prefix) {
      // walk only the deepest directory the prefix names; a prefix may end mid-name (`c/2026`)
      const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      if (dirPart !== '') checkKey(url, 'list', dirPart);
      const keys: string[] = [];
      await walk(root, dirPart, keys).catch((e: unknown) => {
        throw targetError(url, 'list', prefix || '(all)', e);
      });
      return keys.filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(key) {
      try {
        await unlink(pathOf('delete', key));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw targetError(url, 'delete', key, e);
      }
    },
  };
}

async function writeDurably(tmp: string, body: Readable): Promise<number> {
  // 'wx': a temp name is ours alone (pid + random); never follow or reuse another file
  const fh = await open(tmp, 'wx', 0o600);
  let bytes = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      bytes += buf.length;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return bytes;
}

/** fsync the directory so the rename itself survives a crash (ext4, xfs; NFS commits on close). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // some filesystems refuse fsync on a directory (EINVAL): the rename is as durable as they allow
  } finally {
    await fh.close();
  }
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw e;
  }
  for (const d of entries) {
    if (isHidden(d.name)) continue;
    const key = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) await walk(root, key, out);
    else if (d.isFile()) out.push(key);
  }
}
