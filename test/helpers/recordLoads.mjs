// Preloaded with `node --import` (see test/cli/startupLoads.test.ts): writes the URL of every
// module the process loads to the file named by MAPSYNC_TEST_LOAD_LOG, one a line.
// ES modules (and the CommonJS modules they import) pass through the resolve hook below; a
// CommonJS module that another one `require`s does not, so at exit the CommonJS cache is added too.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.MAPSYNC_TEST_LOAD_LOG;
if (log) {
  // The hooks run on the loader's own thread: they get the log's path from `data`.
  const hooks = `
    import { appendFileSync } from 'node:fs';
    let log;
    export function initialize(data) { log = data.log; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(log, resolved.url + '\\n');
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
    if (urls.length > 0) appendFileSync(log, urls.join('\n') + '\n');
  });
}
