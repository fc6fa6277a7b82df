import { defineConfig } from 'drizzle-kit';

/** `npx drizzle-kit generate` writes a new versioned migration into drizzle/ from the schema. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/service/db/schema.ts',
  out: './drizzle',
});
