// Run by tests/_support/nats_server_test.ts in a child `deno test --no-config`; not part of
// the suite. natsTest must print the log tail of the failing test's server, not the other's.
import { natsTest, startNatsServer } from "../../_support/nats_server.ts";

natsTest("a test that passes with a server running", async () => {
  await using server = await startNatsServer({ name: "quiet" });
  console.log(`started ${server.name}`);
});

natsTest("a test that fails with a server running", async () => {
  await using server = await startNatsServer({ name: "dumped" });
  console.log(`started ${server.name}`);
  throw new Error("deliberate failure");
});
