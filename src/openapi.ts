// The OpenAPI document, served at /api/docs (UI) and /api/docs-json, and written to
// openapi.json by `npm run openapi` so that it is committed and reviewed with the code.
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Teknisi API')
    .setDescription('Asset inventory, software installs and configuration drift for IT helpdesks.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'login accessToken or a personal API token' })
    .addCookieAuth('teknisi_session')
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}

export function setupOpenApi(app: INestApplication): void {
  const doc = buildOpenApi(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
