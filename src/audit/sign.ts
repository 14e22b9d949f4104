import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as edSign,
  verify as edVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';

/**
 * Signed checkpoints of the execution log, with node's own ed25519 (no home-made cryptography).
 * A signature covers one record's hash, and a hash chains every record before it, so a signed
 * checkpoint vouches for the whole log up to that record. Signatures are written as
 * `ed25519:<base64>` in the record's `sig` field, which the hash does not cover.
 */

export const SIG_ALG = 'ed25519';
/** Domain separation: a checkpoint signature can never be mistaken for a signature of anything else. */
const CONTEXT = 'talos-dr log checkpoint v1\n';

/** What a run-start records about the key its run is signed with. */
export interface SigningInfo {
  alg: typeof SIG_ALG;
  /** `sha256:<hex>` of the public key's SPKI DER encoding */
  keyFingerprint: string;
  /** the public key (SPKI PEM), so the log can be checked for consistency without the key file */
  publicKey: string;
}

/** The journal's signing port: signs record hashes with a private key the run was given. */
export interface Signer {
  readonly info: SigningInfo;
  /** `ed25519:<base64>` over the record hash */
  sign(recordHash: string): string;
}

/** A public key ready to verify checkpoints. */
export interface VerifyKey {
  readonly key: KeyObject;
  readonly fingerprint: string;
}

/** `sha256:<hex>` of the SPKI DER: the identity of a key, as run-start and `log verify` print it. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

function message(recordHash: string): Buffer {
  return Buffer.from(CONTEXT + recordHash, 'utf8');
}

/** Makes a Signer from an ed25519 private KeyObject (tests build one in memory). */
export function signerFromKey(privateKey: KeyObject): Signer {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== SIG_ALG)
    throw new TypeError('an ed25519 private key is required');
  const pub = createPublicKey(privateKey);
  const info: SigningInfo = {
    alg: SIG_ALG,
    keyFingerprint: keyFingerprint(pub),
    publicKey: String(pub.export({ type: 'spki', format: 'pem' })),
  };
  return {
    info,
    sign: (recordHash) => `${SIG_ALG}:${edSign(null, message(recordHash), privateKey).toString('base64')}`,
  };
}

function readKeyFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : String(e);
    if (code === 'ENOENT') throw makeError('TDR_SIGN_KEY_MISSING', { flag, path });
    throw makeError('TDR_SIGN_KEY_INVALID', { flag, path, reason: `cannot read it: ${code}` });
  }
}

/**
 * Opens `--sign-key <file>` for a run or a drill. Throws TDR_SIGN_KEY_MISSING or
 * TDR_SIGN_KEY_INVALID (exit 2) for a missing file, a public key, another algorithm or garbage.
 */
export function openSigner(path: string, flag = '--sign-key'): Signer {
  const pem = readKeyFile(flag, path);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    const isPublic = /-----BEGIN PUBLIC KEY-----/.test(pem);
    throw makeError('TDR_SIGN_KEY_INVALID', {
      flag,
      path,
      reason: isPublic ? 'this is a public key; signing needs the private <name>.key' : 'not a PEM private key',
    });
  }
  if (key.asymmetricKeyType !== SIG_ALG)
    throw makeError('TDR_SIGN_KEY_INVALID', { flag, path, reason: `a ${key.asymmetricKeyType} key, not ed25519` });
  return signerFromKey(key);
}

/** Opens `--key <file>` of `log verify`: an ed25519 public key (SPKI PEM). */
export function openVerifyKey(path: string, flag = '--key'): VerifyKey {
  const pem = readKeyFile(flag, path);
  if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(pem))
    throw makeError('TDR_SIGN_KEY_INVALID', {
      flag,
      path,
      reason: 'this is a private key; verify with the public <name>.pub and keep the private key away from auditors',
    });
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw makeError('TDR_SIGN_KEY_INVALID', { flag, path, reason: 'not a PEM public key' });
  }
  if (key.asymmetricKeyType !== SIG_ALG)
    throw makeError('TDR_SIGN_KEY_INVALID', { flag, path, reason: `a ${key.asymmetricKeyType} key, not ed25519` });
  return { key, fingerprint: keyFingerprint(key) };
}

/** A verify key from the PEM embedded in a run-start (consistency only: anyone can embed a key). */
export function verifyKeyFromPem(pem: string): VerifyKey | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === SIG_ALG ? { key, fingerprint: keyFingerprint(key) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `sig` is a valid signature of `recordHash` by `key`. The base64 must be canonical
 * (re-encoding gives the same text), so no edit of the signature text can still verify.
 */
export function checkSignature(
  key: VerifyKey,
  recordHash: string,
  sig: string,
): { ok: true } | { ok: false; reason: string } {
  const prefix = `${SIG_ALG}:`;
  if (!sig.startsWith(prefix)) return { ok: false, reason: `signature is not "${prefix}…"` };
  const b64 = sig.slice(prefix.length);
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== b64)
    return { ok: false, reason: 'signature is not 64 bytes of canonical base64 (edited)' };
  const good = edVerify(null, message(recordHash), key.key, bytes);
  return good ? { ok: true } : { ok: false, reason: `signature does not verify with key ${key.fingerprint}` };
}

/**
 * `talos-dr log keygen --out <name>`: writes <name>.key (PKCS8 PEM, mode 0600) and <name>.pub
 * (SPKI PEM, 0644). Refuses to overwrite either file (exit 2).
 */
export function generateKeyFiles(base: string): { keyPath: string; pubPath: string; fingerprint: string } {
  const keyPath = `${base}.key`;
  const pubPath = `${base}.pub`;
  for (const p of [keyPath, pubPath]) if (existsSync(p)) throw makeError('TDR_SIGN_KEY_EXISTS', { path: p });
  const { privateKey, publicKey } = generateKeyPairSync(SIG_ALG);
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { keyPath, pubPath, fingerprint: keyFingerprint(publicKey) };
}
