// Key rotation on a server that verifies requests and signs responses:
//   1. clients sign with key 2024; the server accepts it
//   2. rotation: the server accepts 2024 and 2025; clients move to 2025 one by one
//   3. 2024 is revoked: a straggler still signing with it gets 401 unknown_key
// Responses are signed with the server's own key, and clients verify them; that key rotates the
// same way, in the other direction: clients accept old and new, then the server switches.
// Run: node run.mjs   (exits 1 if anything does not behave as printed)
import assert from 'node:assert/strict'
import { isSignetError } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'
import { startApiServer } from './server.mjs'

const key2024 = { id: 'client-2024', secret: 'the 2024 shared secret' }
const key2025 = { id: 'client-2025', secret: 'the 2025 shared secret', algorithm: 'sha512' }
const serverKey = { id: 'api-responses-1', secret: 'the key the API signs its answers with' }
const serverKey2 = { id: 'api-responses-2', secret: 'the next key the API signs its answers with' }

const server = await startApiServer({ clientKeys: new Map([[key2024.id, key2024]]), responseKey: serverKey })

// Clients verify answers with the server's response key.
const client = (key, responseKeys = [serverKey]) => createSignedFetch({ key, verifyResponse: { keys: responseKeys } })
const call = async (who, key, responseKeys) => {
  const res = await client(key, responseKeys)(`${server.url}/orders`)
  const body = await res.json()
  console.log(`  ${who} (${key.id}) → ${res.status} ${body.ok ? `accepted as ${body.keyId}` : body.error}`)
  return { status: res.status, body }
}

try {
  console.log('1. one key')
  assert.equal((await call('client A', key2024)).status, 200)

  console.log('2. rotation: the server accepts both keys')
  server.addKey(key2025)
  assert.equal((await call('client A', key2024)).status, 200)
  assert.equal((await call('client B', key2025)).status, 200)

  console.log('3. the old key is revoked')
  server.revokeKey(key2024.id)
  const straggler = await call('client A', key2024)
  assert.equal(straggler.status, 401)
  assert.equal(straggler.body.error, 'unknown_key')
  assert.equal((await call('client B', key2025)).status, 200)

  console.log('4. the response key rotates: clients accept both, then the server switches')
  assert.equal((await call('client B', key2025, [serverKey, serverKey2])).status, 200)
  server.setResponseKey(serverKey2)
  assert.equal((await call('client B', key2025, [serverKey, serverKey2])).status, 200)
  try {
    await call('client C, which only knows the old response key,', key2025, [serverKey])
    assert.fail('an answer signed with an unknown key was accepted')
  } catch (err) {
    if (!isSignetError(err, 'unknown_key')) throw err
    console.log(`  client C, which only knows the old response key, rejects the answer: ${err.code} (${err.message})`)
  }

  console.log('server-rotation example: ok')
} catch (err) {
  console.error('server-rotation example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  await server.close()
}
