import type { Handler } from 'hono';
import type { AppEnv } from '../env';
import { SWAGGER_UI } from './swagger-ui-assets';

const assetUrl = (file: string) => `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI.version}/${file}`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>edge-api docs</title>
  <link rel="stylesheet" href="${assetUrl(SWAGGER_UI.stylesheet.file)}" integrity="${SWAGGER_UI.stylesheet.integrity}" crossorigin="anonymous">
</head>
<body>
  <div id="swagger-ui"><p>Swagger UI loads from cdn.jsdelivr.net; without it (offline), the API description is at <a href="/openapi.json">/openapi.json</a>.</p></div>
  <script src="${assetUrl(SWAGGER_UI.script.file)}" integrity="${SWAGGER_UI.script.integrity}" crossorigin="anonymous"></script>
  <script>
    window.onload = () => { if (window.SwaggerUIBundle) window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' }); };
  </script>
</body>
</html>
`;

/** `GET /docs`: interactive docs over `/openapi.json`. */
export const docsPage: Handler<AppEnv> = (c) => c.html(PAGE);
