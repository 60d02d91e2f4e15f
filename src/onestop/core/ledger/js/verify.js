#!/usr/bin/env node
// Verify a OneStop ledger proof bundle (c2sp.org/tlog-proof@v1) independently of the
// Python code. @sigstore/verify checks the checkpoint signature and the RFC 6962
// inclusion proof. The bundle, note and vkey parsing here uses only Node's built-in
// crypto, and rejects what the Python verifier (onestop.core.ledger.bundle) rejects,
// with the same reasons.
//
// Usage: node verify.js BUNDLE_FILE VKEY
// Prints {"ok":true,...} and exits 0, or prints {"ok":false,"error":...} and exits 1.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { verifyCheckpoint } = require('@sigstore/verify/dist/tlog/checkpoint');
const { verifyMerkleInclusion } = require('@sigstore/verify/dist/tlog/merkle');

const HEADER = 'c2sp.org/tlog-proof@v1';
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
const HASH_SIZE = 32;
// Standard base64 with padding and nothing else, as onestop.core.ledger.note decodes it.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DIGITS = /^[0-9]+$/;
const CHECKPOINT_SIZE = /^(?:0|[1-9][0-9]{0,19})$/;

class BundleError extends Error {}

function fail(reason) {
  throw new BundleError(reason);
}

// Python's repr() of a string without quotes, backslashes or control characters, so
// that both verifiers quote such values alike.
function quoted(value) {
  return `'${value}'`;
}

function decodeBase64(value) {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : null;
}

function decodeField(value, fieldName) {
  const decoded = decodeBase64(value);
  if (decoded === null) fail(`the ${fieldName} is not base64`);
  return decoded;
}

function checkKeyName(name) {
  if (!name || /\s/.test(name) || name.includes('+')) {
    fail(`key name ${quoted(name)} is empty or contains a space or '+'`);
  }
}

// The base64 key may contain '+', so split only at the first two.
function parseVkey(vkey) {
  const text = vkey.trim();
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    fail('a verifier key has the form <name>+<hex key id>+<base64 key>');
  }
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  checkKeyName(name);
  const key = decodeBase64(text.slice(second + 1));
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hexId) || key === null) {
    fail(`verifier key of ${quoted(name)} is not valid hex and base64`);
  }
  if (hexId.length !== 8 || key.length !== 33 || key[0] !== 0x01) {
    fail(`verifier key of ${quoted(name)} is not a 4-byte id and an Ed25519 key`);
  }
  const publicKey = key.subarray(1);
  const keyId = crypto.createHash('sha256')
    .update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([0x01]), publicKey]))
    .digest().subarray(0, 4);
  if (keyId.toString('hex') !== hexId.toLowerCase()) {
    fail(`key id ${hexId} does not match the key of ${quoted(name)}`);
  }
  const keyObject = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, keyObject };
}

// The parts of a bundle, named as the Python verifier names them when a bundle is
// cut short. A complete bundle ends with the line break of its last signature line.
const BUNDLE_PARTS = {
  header: 'header line',
  entry: 'entry (the extra line)',
  index: 'index line',
  proof: 'proof hash lines',
  checkpoint: 'checkpoint',
  signature: 'checkpoint signature',
};

function failInside(part) {
  fail(`the bundle is truncated inside the ${BUNDLE_PARTS[part]}`);
}

function failBefore(part) {
  fail(`the bundle is truncated before the ${BUNDLE_PARTS[part]}, which is missing`);
}

function headPart(line, number) {
  if (number === 1 && (line.startsWith('extra ') || 'extra '.startsWith(line))) return 'entry';
  if (line.startsWith('index ') || 'index '.startsWith(line)) return 'index';
  return 'proof';
}

// A first line that is neither the header nor the start of it is left to parseBundle.
function checkHeadComplete(text) {
  const complete = text.endsWith('\n');
  const lines = (complete ? text.slice(0, -1) : text).split('\n');
  if (lines[0] !== HEADER) {
    if (lines.length === 1 && !complete && HEADER.startsWith(lines[0])) failInside('header');
    return;
  }
  if (lines.length === 1) {
    if (complete) failBefore('entry');
    failInside('entry');
  }
  const part = headPart(lines[lines.length - 1], lines.length - 1);
  if (!complete) failInside(part);
  failBefore(part === 'entry' ? 'index' : 'checkpoint');
}

function checkComplete(text) {
  const split = text.indexOf('\n\n');
  if (split < 0) {
    checkHeadComplete(text);
    return;
  }
  const signedCheckpoint = text.slice(split + 2);
  if (!signedCheckpoint) failBefore('checkpoint');
  const noteSplit = signedCheckpoint.indexOf('\n\n');
  if (noteSplit < 0) {
    const complete = signedCheckpoint.endsWith('\n');
    const bodyLines = (complete ? signedCheckpoint.slice(0, -1) : signedCheckpoint).split('\n');
    if (complete && bodyLines.length >= 3) failBefore('signature');
    failInside('checkpoint');
  }
  const signatures = signedCheckpoint.slice(noteSplit + 2);
  if (!signatures) failBefore('signature');
  if (!signatures.endsWith('\n')) failInside('signature');
}

function parseBundle(text) {
  const split = text.indexOf('\n\n');
  const lines = (split < 0 ? text : text.slice(0, split)).split('\n');
  if (split < 0 || lines.shift() !== HEADER) fail(`the first line is not ${HEADER}`);
  let data = null;
  if (lines.length && lines[0].startsWith('extra ')) {
    data = decodeField(lines.shift().slice('extra '.length), 'extra data');
  }
  if (!lines.length || !lines[0].startsWith('index ')) fail('the index line is missing');
  const index = lines.shift().slice('index '.length);
  if (!DIGITS.test(index)) {
    fail(`the index ${quoted(index.slice(0, 20))} is not a decimal number`);
  }
  const hashes = lines.map((line, position) => decodeField(line, `proof hash ${position}`));
  return { data, index: BigInt(index), hashes, signedCheckpoint: text.slice(split + 2) };
}

function checkNoteText(text) {
  if (text.includes('\n\n') || text.startsWith('\n')) {
    fail('note text must not contain a blank line');
  }
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) {
    fail('note text must not contain control characters');
  }
}

function parseSignatureLine(line) {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    fail('a signature line must start with an em dash and a space');
  }
  const fields = line.slice(SIGNATURE_PREFIX.length).split(' ');
  if (fields.length !== 2) fail('a signature line has a key name and one base64 value');
  const [name, encoded] = fields;
  checkKeyName(name);
  const raw = decodeBase64(encoded);
  if (raw === null) fail(`signature of ${quoted(name)} is not valid base64`);
  if (raw.length < 5) fail(`signature of ${quoted(name)} is shorter than a key id`);
  return { line, name, keyId: raw.subarray(0, 4) };
}

// Split a signed note at its last blank line into its text and signature lines.
function parseNote(message) {
  const split = message.lastIndexOf('\n\n');
  if (split < 0 || !message.endsWith('\n')) {
    fail('a signed note has text, a blank line and signature lines');
  }
  const text = message.slice(0, split + 1);
  checkNoteText(text);
  const lines = message.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) fail(`a note has at most ${MAX_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

function parseCheckpointBody(text) {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') {
    fail('a checkpoint has origin, size and root hash lines');
  }
  const [origin, size, encodedRoot] = lines;
  if (!origin) fail('the checkpoint origin line is empty');
  if (!CHECKPOINT_SIZE.test(size)) {
    fail(`the checkpoint size ${quoted(size)} is not a decimal number`);
  }
  const root = decodeField(encodedRoot, 'checkpoint root hash');
  if (root.length !== HASH_SIZE) fail(`the checkpoint root hash has ${root.length} bytes`);
  return { origin, size: BigInt(size) };
}

// Check every signature by the vkey with @sigstore/verify, one signature at a time, so
// that one bad signature fails the note even when another one verifies. The body's
// format is checked first, as the Python verifier does.
function verifySignedCheckpoint(signedCheckpoint, verifier, entry) {
  const note = parseNote(signedCheckpoint);
  const body = parseCheckpointBody(note.text);
  const tlogs = [{ logID: verifier.keyId, baseURL: verifier.name, publicKey: verifier.keyObject }];
  let checkpoint = null;
  for (const signature of note.signatures) {
    if (signature.name !== verifier.name || !signature.keyId.equals(verifier.keyId)) continue;
    const envelope = `${note.text}\n${signature.line}\n`;
    try {
      checkpoint = verifyCheckpoint(
        { ...entry, inclusionProof: { ...entry.inclusionProof, checkpoint: { envelope } } },
        tlogs,
      );
    } catch (error) {
      fail(`signature of ${quoted(signature.name)} is invalid`);
    }
  }
  if (checkpoint === null) fail('no signature of the note is by a known key');
  if (body.origin !== verifier.name) {
    fail(`checkpoint origin ${quoted(body.origin)} is not the expected ${quoted(verifier.name)}`);
  }
  return { checkpoint, size: body.size };
}

function bitLength(value) {
  return value === 0n ? 0 : value.toString(2).length;
}

function onesCount(value) {
  return [...value.toString(2)].filter((digit) => digit === '1').length;
}

// Check the proof's shape with the Python verifier's reasons before @sigstore/verify
// computes the root.
function checkInclusionShape(index, size, hashes) {
  if (size < 1n) fail(`tree size ${size} has no leaves`);
  if (index >= size) fail(`leaf index ${index} is not below tree size ${size}`);
  const inner = bitLength(index ^ (size - 1n));
  const expected = inner + onesCount(index >> BigInt(inner));
  if (hashes.length !== expected) {
    fail(`proof has ${hashes.length} hashes, expected ${expected}`);
  }
  hashes.forEach((hash, position) => {
    if (hash.length !== HASH_SIZE) {
      fail(`proof hash ${position} has ${hash.length} bytes, expected ${HASH_SIZE}`);
    }
  });
}

function readText(file) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
      .decode(fs.readFileSync(file));
  } catch (error) {
    if (error instanceof TypeError) fail('the bundle is not UTF-8 text');
    throw error;
  }
}

function verifyBundle(text, vkey) {
  if (text.includes('\r')) {
    fail("its lines end with CR LF, as some editors save text; a proof bundle's " +
      'lines end with LF alone, so use the file as it was downloaded');
  }
  checkComplete(text);
  const bundle = parseBundle(text);
  if (bundle.data === null) fail('the bundle carries no entry and none was given');
  const verifier = parseVkey(vkey);
  const entry = {
    canonicalizedBody: bundle.data,
    inclusionProof: { logIndex: bundle.index.toString(), hashes: bundle.hashes },
  };
  const { checkpoint, size } = verifySignedCheckpoint(bundle.signedCheckpoint, verifier, entry);
  checkInclusionShape(bundle.index, size, bundle.hashes);
  try {
    verifyMerkleInclusion(entry, checkpoint);
  } catch (error) {
    fail(`computed root does not match the root at size ${size}`);
  }
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bundle.data));
  } catch (error) {
    fail(`the entry is not UTF-8 JSON (${error.message})`);
  }
  return { ok: true, origin: verifier.name, index: bundle.index.toString(), treeSize: size.toString() };
}

function main() {
  const [bundleFile, vkey] = process.argv.slice(2);
  if (bundleFile === undefined || vkey === undefined) {
    fail('usage: node verify.js BUNDLE_FILE VKEY');
  }
  process.stdout.write(JSON.stringify(verifyBundle(readText(bundleFile), vkey)) + '\n');
}

try {
  main();
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error.message || error) }) + '\n');
  process.exit(1);
}
