import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The demo identity provider's key material, kept in DATA_DIR so tokens and sessions survive a restart. */
export interface IdentityKeys {
  /** Ed25519 private key that signs user JWTs. */
  signingKey: CryptoKey;
  /** Its public half as published in the JWKS (with `kid`, `alg`, `use`). */
  publicJwk: JWK;
  /** HMAC secret for the sign-in session cookie; never leaves the server. */
  sessionSecret: Uint8Array;
}

interface StoredKeys {
  signingJwk: JWK;
  sessionSecret: string;
}

const FILE_NAME = 'demo-identity-keys.json';

export async function loadOrCreateIdentityKeys(dataDir: string): Promise<IdentityKeys> {
  const path = join(dataDir, FILE_NAME);
  const stored = (await readStored(path)) ?? (await createStored(dataDir, path));
  const { d: _private, ...publicPart } = stored.signingJwk;
  return {
    signingKey: (await importJWK(stored.signingJwk, 'EdDSA')) as CryptoKey,
    publicJwk: { ...publicPart, alg: 'EdDSA', use: 'sig' },
    sessionSecret: base64url.decode(stored.sessionSecret),
  };
}

async function readStored(path: string): Promise<StoredKeys | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<StoredKeys>;
  if (parsed.signingJwk?.crv !== 'Ed25519' || !parsed.signingJwk.d || !parsed.signingJwk.kid || !parsed.sessionSecret)
    throw new Error(`${path} is not a demo identity key file; delete it to generate new keys`);
  return parsed as StoredKeys;
}

async function createStored(dataDir: string, path: string): Promise<StoredKeys> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const signingJwk = await exportJWK(privateKey);
  // Like Better Auth, the key id is derived from the key itself, so a rotated key always gets a new kid.
  signingJwk.kid = await calculateJwkThumbprint(signingJwk);
  const stored: StoredKeys = { signingJwk, sessionSecret: base64url.encode(randomBytes(32)) };
  await mkdir(dataDir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(stored), { mode: 0o600 });
  await rename(temporary, path);
  return stored;
}
