/**
 * Which outputs of a provider resource are computed, derived from the provider SDK's own type
 * declarations (`@pulumi/<provider>/<module>/<resource>.d.ts`), not from a hand list.
 *
 * The Terraform bridge writes each resource class's outputs as `pulumi.Output<T>` when the
 * provider always returns a value (the attribute is Required, Computed, or has a Default) and
 * `pulumi.Output<T | undefined>` when it may be absent (Optional, not Computed). The `Args`
 * interface lists what the program can set. So, for an output the program did not set:
 * - not settable through `Args` (pure output: `email`, `number`, `selfLink`): computed;
 * - optional in `Args`, always returned, and documented with a default value: the provider fills
 *   in that default at plan time, so it is known;
 * - optional in `Args`, always returned, no documented default (Optional+Computed, e.g. a
 *   service account's `project`, a subnetwork's `gatewayAddress`): computed;
 * - `Output<T | undefined>`: absent (null), known.
 * In a first preview every computed output the inputs do not fix is unknown.
 */
import * as ts from "typescript";

export interface ResourceOutputs {
  /** Outputs the provider computes when the program leaves them unset: unknown at first preview. */
  computed: string[];
  /** Every other output the class declares (known at preview: the input, a default, or null). */
  known: string[];
  /**
   * `name` is an optional input: the Pulumi provider's Check auto-names an unset one
   * (`<logical name>-<7 hex>`), so it is known at preview even though Google would accept none.
   */
  autoNamed?: true;
}

/** Derives the computed and known outputs of every CustomResource class declared in one .d.ts file. */
export function deriveOutputs(declarationText: string): Map<string, ResourceOutputs> {
  const source = ts.createSourceFile("resource.d.ts", declarationText, ts.ScriptTarget.Latest, true);
  const classes = new Map<string, ts.ClassDeclaration>();
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const statement of source.statements) {
    if (ts.isClassDeclaration(statement) && statement.name && extendsCustomResource(statement))
      classes.set(statement.name.text, statement);
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
  }
  const result = new Map<string, ResourceOutputs>();
  for (const [className, declaration] of classes) {
    const args = new Map<string, boolean>();
    for (const member of interfaces.get(`${className}Args`)?.members ?? []) {
      if (ts.isPropertySignature(member) && member.name)
        args.set(propertyName(member.name), !member.questionToken);
    }
    const computed: string[] = [];
    const known: string[] = [];
    for (const member of declaration.members) {
      if (!ts.isPropertyDeclaration(member) || isStatic(member)) continue;
      const outputType = outputTypeOf(member.type);
      if (!outputType) continue;
      const name = propertyName(member.name);
      const required = args.get(name);
      const settable = required !== undefined;
      const alwaysReturned = !includesUndefined(outputType);
      if (!settable || (required === false && alwaysReturned && !documentsDefault(member)))
        computed.push(name);
      else known.push(name);
    }
    const outputs: ResourceOutputs = { computed: computed.sort(), known: known.sort() };
    if (args.get("name") === false) outputs.autoNamed = true;
    result.set(className, outputs);
  }
  return result;
}

function extendsCustomResource(declaration: ts.ClassDeclaration): boolean {
  return (declaration.heritageClauses ?? []).some((clause) =>
    clause.types.some((type) => type.expression.getText().endsWith("CustomResource")),
  );
}

function isStatic(member: ts.PropertyDeclaration): boolean {
  return (ts.getModifiers(member) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
}

function propertyName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText();
}

/** `T` of a `pulumi.Output<T>` property type, else undefined. */
function outputTypeOf(type: ts.TypeNode | undefined): ts.TypeNode | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  if (!type.typeName.getText().endsWith("Output")) return undefined;
  return type.typeArguments?.[0];
}

function includesUndefined(type: ts.TypeNode): boolean {
  if (type.kind === ts.SyntaxKind.UndefinedKeyword) return true;
  return ts.isUnionTypeNode(type) && type.types.some(includesUndefined);
}

/**
 * The provider docs state a plan-time default as "Defaults to `X`" or "Default value is `X`".
 * "Defaults to the provider ..." is not one: the provider derives that value (project, region).
 */
function documentsDefault(member: ts.PropertyDeclaration): boolean {
  const text = ts
    .getJSDocCommentsAndTags(member)
    .map((doc) =>
      typeof doc.comment === "string" ? doc.comment : (ts.getTextOfJSDocComment(doc.comment) ?? ""),
    )
    .join(" ")
    .replace(/\s+/g, " ");
  if (/defaults? to the provider/i.test(text)) return false;
  return /\bDefault value is\b|\bDefaults to [`"'\w]/i.test(text);
}
