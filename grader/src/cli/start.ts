import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { wantsCluster } from '../../../cluster/src/cluster-config.ts';
import { buildClusterTree } from '../../../cluster/src/tree.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { readLabMarker } from '../phase-detect.ts';
import { gradeDir } from '../report/files.ts';
import { materializeReference } from '../tree/materialize.ts';

/**
 * `npm start`. On a learning branch: the learner's service as it is. On main, where starter/ holds
 * only stubs: the finished reference system, assembled from starter/ and every phase's solution
 * into .grade/reference/ and started from there, at the final level. With `--role` (or
 * METRICSTREAM_ROLE): one node of the cluster mode (docs/scale-out.md), from the same tree.
 */
const cluster = wantsCluster(process.argv.slice(2), process.env);
const onBranch = Boolean(readLabMarker(REPO_ROOT));
if (cluster && onBranch) {
  console.error('error: the cluster mode (--role) runs the finished service: start it on main (docs/scale-out.md)');
  process.exit(2);
}
const out = path.join(gradeDir(REPO_ROOT), 'reference');
const root = onBranch ? REPO_ROOT : cluster ? buildClusterTree(out) : materializeReference(out);
await import(pathToFileURL(path.join(root, cluster ? 'cluster/src/main.ts' : 'starter/src/main.ts')).href);
