// The committed openapi.json must be what the code generates (run `npm run openapi` after
// changing a controller or DTO), and what the running server serves at /api/docs-json.
import * as fs from 'node:fs';
import { generateOpenApi, OPENAPI_FILE } from '../scripts/openapi';
import { createTestApp, TestApp } from './support/app';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('the committed openapi.json is up to date with the controllers and DTOs', async () => {
    const generated = await generateOpenApi();
    expect(JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(JSON.parse(generated));
  });

  it('the server serves the same document publicly, with the docs UI beside it', async () => {
    const json = await t.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')));
    expect(json.body.paths['/api/devices'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'page', 'limit', 'sort', 'type', 'osFamily', 'tag', 'lastSeenBefore']),
    );
    const ui = await t.http.get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
