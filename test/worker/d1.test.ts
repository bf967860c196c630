import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('D1 migrations', () => {
  it('create the scenarios table', async () => {
    const row = {
      id: 'abc123',
      body: 'kind: Pod',
      engine_version: '0.1.0',
      created_at: 'now',
      answers_hash: 'f'.repeat(64),
    }
    await env.DB.prepare(
      'INSERT INTO scenarios (id, body, engine_version, created_at, answers_hash) VALUES (?, ?, ?, ?, ?)',
    )
      .bind(row.id, row.body, row.engine_version, row.created_at, row.answers_hash)
      .run()
    const read = await env.DB.prepare('SELECT * FROM scenarios WHERE id = ?').bind('abc123').first()
    expect(read).toEqual(row)
  })

  it('require a body', async () => {
    const insert = env.DB.prepare(
      'INSERT INTO scenarios (id, engine_version, created_at) VALUES (?, ?, ?)',
    ).bind('no-body', '0.1.0', 'now')
    await expect(insert.run()).rejects.toThrow(/NOT NULL/)
  })

  it('keep one write counter per client', async () => {
    const insert = 'INSERT INTO write_limits (client, window_start, count) VALUES (?, ?, ?)'
    await env.DB.prepare(insert).bind('test:x', 1, 1).run()
    await expect(env.DB.prepare(insert).bind('test:x', 2, 1).run()).rejects.toThrow(/UNIQUE/)
  })
})
