/** Request plumbing shared by the route files: the error type the app maps to statuses, and body parsing. */
import type { Context } from "hono";
import type { z } from "zod";

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 429 | 501 | 502 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** Parse a JSON body with `schema`; a 400 names the first bad field. */
export async function body<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(400, "malformed JSON body");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
    throw new HttpError(400, `${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
