// Recomputes the tamper digests of tests/vectors/tamper.json through the Node Sealer.
// docs/VECTORS.md ("tamper.json") and core/tests/tamper_digest.rs define the sweep: for each source
// file, every valid case whose format is not h3-v2 and whose iterations are 1 or absent, in file
// order; every flip of bits 0-6 of each character, then every proper prefix, unsealed at the
// case's `now`. The outcome is the error code, or OK when the mutation opens to the case's payload
// (opening to anything else fails). Each line `<tcId>:<kind>:<position>:<bit>:<outcome>\n` is
// folded into 64-bit FNV-1a; cases, mutations, accepted and digest must equal the file's.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'node:test'
import { isDeepStrictEqual } from 'node:util'

import { PolysealError, Sealer } from 'polyseal'

import { keyringFrom, repoRoot, sealerOptions } from './support.mjs'

const vectorDir = join(repoRoot, 'tests', 'vectors')
const load = (file) => JSON.parse(readFileSync(join(vectorDir, file), 'utf8'))

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 0x100000001b3n

function fnv1a64(text, hash) {
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * FNV_PRIME)
  }
  return hash
}

function swept(testCase) {
  const options = testCase.options ?? {}
  return (
    testCase.result === 'valid' &&
    (options.format ?? 'native') !== 'h3-v2' &&
    (options.iterations ?? 1) === 1
  )
}

/** [kind, position, bit, text] in the order of the spec. */
function* mutations(token) {
  for (let index = 0; index < token.length; index++) {
    for (let bit = 0; bit < 7; bit++) {
      const flipped = String.fromCharCode(token.charCodeAt(index) ^ (1 << bit))
      yield ['flip', index, bit, token.slice(0, index) + flipped + token.slice(index + 1)]
    }
  }
  for (let length = 0; length < token.length; length++) {
    yield ['cut', length, 0, token.slice(0, length)]
  }
}

function sweep(file) {
  const document = load(file)
  let cases = 0
  let count = 0
  let accepted = 0
  let digest = FNV_OFFSET
  for (const testCase of document.tests.filter(swept)) {
    cases += 1
    const sealer = new Sealer(keyringFrom(document.keyrings[testCase.keyring]), sealerOptions(testCase))
    const expected = JSON.parse(testCase.payload)
    const { now } = testCase
    for (const [kind, position, bit, text] of mutations(testCase.token)) {
      let outcome
      try {
        outcome = isDeepStrictEqual(sealer.unseal(text, { now }).data, expected) ? 'OK' : 'OK-OTHER'
      } catch (error) {
        assert.ok(error instanceof PolysealError, `not a PolysealError: ${error}`)
        outcome = error.code
      }
      assert.notEqual(outcome, 'OK-OTHER', `${file} tcId ${testCase.tcId} ${kind} ${position}/${bit}`)
      if (outcome === 'OK') accepted += 1
      digest = fnv1a64(`${testCase.tcId}:${kind}:${position}:${bit}:${outcome}\n`, digest)
      count += 1
    }
  }
  return { cases, mutations: count, accepted, digest: digest.toString(16).padStart(16, '0') }
}

test('tamper digests: every mutation gives the code tamper.json records', (t) => {
  const tamper = load('tamper.json')
  assert.deepEqual(Object.keys(tamper.files), ['native-v1.json', 'fe26.json'])
  let checked = 0
  for (const [file, expected] of Object.entries(tamper.files)) {
    const got = sweep(file)
    t.diagnostic(`${file}: ${JSON.stringify(got)}`)
    assert.deepEqual(got, expected, file)
    checked += 1
  }
  assert.equal(checked, tamper.numberOfTests)
})
