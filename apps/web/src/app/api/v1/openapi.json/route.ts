import { createOpenApiDocument } from "../../../../openapi/openapi-document.ts";

// GET /api/v1/openapi.json — the OpenAPI 3.1 description of /api/v1 (anonymous)
export function GET(): Response {
  return Response.json(createOpenApiDocument());
}
