/**
 * Child process for the store's lock test: opens the store, prints `ready <pid>`, and keeps it open until killed.
 * Usage: node --import tsx store-holder.ts <storeDir>
 */
import { Store } from '../../src/core/store/store';

Store.open(process.argv[2]!)
  .then(() => {
    process.stdout.write(`ready ${process.pid}\n`);
    setInterval(() => {}, 1 << 30);
  })
  .catch((err) => {
    process.stdout.write(`error ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
