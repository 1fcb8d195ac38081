// Drives a staticapi server with the official JavaScript client, @kubernetes/client-node
// (tests/test_client_node.py installs it and runs this). The kubeconfig comes the way Node
// tools take it: KubeConfig.loadFromDefault() reads $KUBECONFIG. Prints one JSON line per step.
//
// usage: node client_node_check.mjs NAMESPACE POD CONTAINER NEW_POD
//   NEW_POD: after the informer has started (line {"step":"informer-started"}), the test adds
//   that pod to the served tree; the informer must hear of it (an ADDED event from its watch).
import { pathToFileURL } from 'node:url';

const k8s = await import(pathToFileURL(process.env.CLIENT_NODE_MODULE).href);
const [ns, pod, container, newPod] = process.argv.slice(2);
const say = (o) => console.log(JSON.stringify(o));

const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);

const pods = await core.listNamespacedPod({ namespace: ns });
say({ step: 'list', names: pods.items.map((p) => p.metadata.name), rv: pods.metadata.resourceVersion });

const p = await core.readNamespacedPod({ name: pod, namespace: ns });
say({ step: 'get', name: p.metadata.name, uid: p.metadata.uid, phase: p.status.phase,
      created: p.metadata.creationTimestamp instanceof Date ? p.metadata.creationTimestamp.toISOString() : null });

const log = await core.readNamespacedPodLog({ name: pod, namespace: ns, container, tailLines: 3 });
say({ step: 'logs', text: log });

const cos = await custom.listClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'clusteroperators' });
say({ step: 'custom', names: cos.items.map((o) => o.metadata.name) });

const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns }));
const added = [];
let errors = [];
informer.on('add', (o) => added.push(o.metadata.name));
informer.on('error', (e) => errors.push(String(e)));
await informer.start();
say({ step: 'informer-started', cached: informer.list().map((o) => o.metadata.name).sort() });
const deadline = Date.now() + 30000;
while (!added.includes(newPod) && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
}
say({ step: 'informer', added: added.slice().sort(), cached: informer.list().map((o) => o.metadata.name).sort(), errors });
await informer.stop();

try {
  await core.deleteNamespacedPod({ name: pod, namespace: ns });
  say({ step: 'delete', code: 'allowed' });
} catch (e) {
  say({ step: 'delete', code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body });
}
