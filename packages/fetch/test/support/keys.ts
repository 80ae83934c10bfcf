/** The shared test key, known to the test servers and the clients (a test secret, nothing real). */
export const testKey = { id: 'fetch-test-key', secret: 'signet-fetch-test-secret-0123456789' }

/** A key the servers do not know. */
export const otherKey = { id: 'other-key', secret: 'another-secret-the-server-never-saw' }
