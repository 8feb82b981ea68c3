import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { README_FILE, readmeWithReference, renderSchema, SCHEMA_FILE } from "../../tools/schema/generate";

const stackSchema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));

describe("stacks/schema.json", () => {
  it("is in sync with the zod schema (run `npm run schema` after changing it)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(renderSchema());
  });

  it("matches the README's config reference (run `npm run schema` after changing it)", () => {
    const readme = readFileSync(README_FILE, "utf8");
    expect(readme).toBe(readmeWithReference(readme));
    expect(readme).toContain("| `platform:environments[].network.subnets[].cidr` | string | yes |");
  });

  it("is referenced by every bundled stack file for editor completion", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      expect(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8").split("\n")[0]).toBe(
        "# yaml-language-server: $schema=./schema.json",
      );
    }
  });

  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(stackSchema);

  it.each(["dev", "staging", "prod"])("accepts the bundled %s stack", (stack) => {
    const valid = validate(parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("flags the mistakes an editor should underline", () => {
    const stack = parse(readFileSync("stacks/Pulumi.dev.yaml", "utf8"));
    stack.config["platform:tier"] = "qa";
    stack.config["platform:teams"][0].costCentre = "cc-1";
    stack.config["acme:thing"] = 1;
    expect(validate(stack)).toBe(false);
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`);
    expect(problems.sort()).toEqual([
      "/config additionalProperties",
      "/config/platform:teams/0 additionalProperties",
      "/config/platform:tier enum",
    ]);
  });
});

describe("Pulumi.yaml", () => {
  it("validates against the Pulumi project schema", () => {
    const projectSchema = JSON.parse(
      readFileSync("../shared/fixtures/pulumi-engine/schema/project.json", "utf8"),
    );
    const validateProject = new Ajv2020({ allErrors: true, strict: false }).compile(projectSchema);
    const project = parse(readFileSync("Pulumi.yaml", "utf8"));
    const valid = validateProject(project);
    expect(validateProject.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(project).toMatchObject({
      name: "platform",
      runtime: { name: "nodejs", options: { typescript: false } },
      main: "dist/stacks/index.js",
      stackConfigDir: "stacks",
    });
  });
});
