// One Lambda execution environment for one synthesized bundle, as Lambda's Node.js runtime runs
// it: started with the function's environment, the handler module imported once (the cold start),
// then one event at a time in, the result (or the error's name and message, Lambda's errorType
// and errorMessage) out. Module state (the SDK clients, the ports) lives on between invocations,
// as in a warm container. Plain JavaScript on purpose: it runs with nothing but node.
import { pathToFileURL } from 'node:url';

let handler;

process.on('message', async ({ id, handlerFile, handlerExport, event }) => {
  let reply;
  try {
    if (!handler) {
      const module = await import(pathToFileURL(handlerFile).href);
      handler = module[handlerExport];
      if (typeof handler !== 'function')
        throw new Error(`${handlerFile} exports no function ${handlerExport}`);
    }
    reply = { id, ok: true, result: (await handler(event)) ?? null };
  } catch (err) {
    reply = {
      id,
      ok: false,
      errorType: err instanceof Error ? err.name : typeof err,
      errorMessage: err instanceof Error ? err.message : String(err),
    };
  }
  process.send(reply);
});
