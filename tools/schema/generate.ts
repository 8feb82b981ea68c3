import { writeFileSync } from "node:fs";
import { z } from "zod";
import { CONFIG_NAMESPACE, FOREIGN_NAMESPACES } from "../../stacks/config/load";
import { platformConfigSchema } from "../../stacks/config/schema";

export const SCHEMA_FILE = "stacks/schema.json";

/**
 * JSON Schema of a whole `Pulumi.<stack>.yaml`, generated from the zod schema so editors can
 * autocomplete and flag mistakes. Each platform key is a property `platform:<key>` under `config`.
 */
export function stackFileJsonSchema(): Record<string, unknown> {
  const platform = z.toJSONSchema(platformConfigSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  const properties: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(platform.properties))
    properties[`${CONFIG_NAMESPACE}:${key}`] = schema;
  const secure = {
    type: "object",
    properties: { secure: { type: "string" } },
    required: ["secure"],
    additionalProperties: false,
  };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Platform stack configuration (Pulumi.<stack>.yaml)",
    description: "Generated from stacks/config/schema.ts by `npm run schema`; do not edit.",
    type: "object",
    properties: {
      config: {
        type: "object",
        properties,
        required: (platform.required ?? []).map((key) => `${CONFIG_NAMESPACE}:${key}`),
        patternProperties: {
          [`^(${FOREIGN_NAMESPACES.join("|")}):.+$`]: {},
        },
        additionalProperties: false,
      },
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
      environment: {},
    },
    required: ["config"],
    additionalProperties: false,
    $defs: { secure },
  };
}

export function renderSchema(): string {
  return `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
