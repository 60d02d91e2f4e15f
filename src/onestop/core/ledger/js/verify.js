#!/usr/bin/env node
// Verify a OneStop ledger proof bundle (c2sp.org/tlog-proof@v1) independently of the
// Python code. @sigstore/verify checks the checkpoint signature and the RFC 6962
// inclusion proof. The bundle and vkey parsing here uses only Node's built-in crypto.
//
// Usage: node verify.js BUNDLE_FILE VKEY
// Prints {"ok":true,...} and exits 0, or prints the error and exits 1.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { verifyCheckpoint } = require('@sigstore/verify/dist/tlog/checkpoint');
const { verifyMerkleInclusion } = require('@sigstore/verify/dist/tlog/merkle');

const HEADER = 'c2sp.org/tlog-proof@v1';

function parseVkey(vkey) {
  const [name, hexId, encoded] = splitVkey(vkey.trim());
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 33 || key[0] !== 0x01) {
    throw new Error('the vkey is not an Ed25519 signed-note key');
  }
  const publicKey = key.subarray(1);
  const keyId = crypto.createHash('sha256')
    .update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([0x01]), publicKey]))
    .digest().subarray(0, 4);
  if (keyId.toString('hex') !== hexId) {
    throw new Error('the vkey key id does not match its key');
  }
  const keyObject = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, keyObject };
}

// The base64 key may contain '+', so split only at the first two.
function splitVkey(vkey) {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 1 || second < 0) throw new Error('the vkey is not <name>+<hex id>+<base64 key>');
  return [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
}

function parseBundle(text) {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('the bundle has no blank line before its checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines.shift() !== HEADER) throw new Error(`the first line is not ${HEADER}`);
  let data = null;
  if (lines.length && lines[0].startsWith('extra ')) {
    data = Buffer.from(lines.shift().slice('extra '.length), 'base64');
  }
  if (!lines.length || !/^index [0-9]+$/.test(lines[0])) {
    throw new Error('the index line is missing');
  }
  const index = lines.shift().slice('index '.length);
  const hashes = lines.map((line) => Buffer.from(line, 'base64'));
  return { data, index, hashes, checkpoint: text.slice(split + 2) };
}

function main() {
  const [bundleFile, vkey] = process.argv.slice(2);
  const bundle = parseBundle(fs.readFileSync(bundleFile, 'utf8'));
  const verifier = parseVkey(vkey);
  const entry = {
    canonicalizedBody: bundle.data,
    inclusionProof: {
      logIndex: bundle.index,
      hashes: bundle.hashes,
      checkpoint: { envelope: bundle.checkpoint },
    },
  };
  const tlogs = [{ logID: verifier.keyId, baseURL: verifier.name, publicKey: verifier.keyObject }];
  const checkpoint = verifyCheckpoint(entry, tlogs);
  if (checkpoint.origin !== verifier.name) {
    throw new Error(`checkpoint origin ${checkpoint.origin} is not ${verifier.name}`);
  }
  verifyMerkleInclusion(entry, checkpoint);
  process.stdout.write(JSON.stringify({
    ok: true,
    origin: checkpoint.origin,
    index: bundle.index,
    treeSize: checkpoint.logSize.toString(),
  }) + '\n');
}

try {
  main();
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error.message || error) }) + '\n');
  process.exit(1);
}
