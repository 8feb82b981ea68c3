/**
 * Every component, as `@acme/platform/components` exports them to product teams' programs. Each
 * area is also its own entry (`@acme/platform/components/<area>`). A new area adds one line here.
 */
export * from "./ci-identity";
// Both areas name the same three basic roles; one export settles the ambiguity.
export { PRIMITIVE_ROLES } from "./ci-identity";
export * from "./environment";
export * from "./state-backend";
